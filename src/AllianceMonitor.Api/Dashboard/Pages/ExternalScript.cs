using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace AllianceMonitor.Api.Dashboard.Pages;

/// <summary>
/// A <c>&lt;script src&gt;</c> element. The Razor compiler refuses script tags in .razor markup (an interactive
/// component could not update them); these pages are rendered once on the server, so the element is written here.
/// Only files from this origin: the Content-Security-Policy allows no inline script.
/// </summary>
public sealed class ExternalScript : ComponentBase
{
    [Parameter, EditorRequired]
    public string Src { get; set; } = null!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "script");
        builder.AddAttribute(1, "src", Src);
        builder.CloseElement();
    }
}
