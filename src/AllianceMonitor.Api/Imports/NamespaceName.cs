using System.Diagnostics.CodeAnalysis;

// "Imports" is a Visual Basic keyword; the service is C# only and its feature folders are named for what they do.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:AllianceMonitor.Api.Imports", Justification = "C#-only service; the folder names the feature.")]
