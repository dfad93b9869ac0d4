using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("AllianceMonitor.Api.Tests.Contract.ContractReportingFramework", "AllianceMonitor.Api.Tests")]

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>
/// xunit's own framework, plus one line at the end of the run: how many responses the OpenAPI contract handler
/// validated (<see cref="ContractLedger"/>). It goes to the runner as a diagnostic message (xunit.runner.json turns
/// those on; <c>dotnet test</c> prints it) and to <c>openapi-contract.txt</c> beside the test assembly.
/// </summary>
public sealed class ContractReportingFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            var summary = ContractLedger.Summary();
            DiagnosticMessageSink.OnMessage(new DiagnosticMessage(summary));
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "openapi-contract.txt"), summary + Environment.NewLine);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
