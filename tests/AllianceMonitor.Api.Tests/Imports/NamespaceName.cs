using System.Diagnostics.CodeAnalysis;

// "Imports" is a Visual Basic keyword; the tests mirror the service's C# feature folder.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:AllianceMonitor.Api.Tests.Imports", Justification = "C#-only tests; the folder names the feature.")]
