using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// The PUT's detection step (issue 11 target: at most 1 ms at the 95th percentile for a patient with 100 sessions).
// Usage: dotnet run -c Release --project bench/DetectorLatency
// In-process: on the shared 2-core machine a generated host project did not build within BenchmarkDotNet's 2-minute limit.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    .AddColumn(StatisticColumn.P95)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "alliance-detector-latency"));
BenchmarkRunner.Run([typeof(AllianceMonitor.Bench.DetectorLatency.DetectionStep), typeof(AllianceMonitor.Bench.DetectorLatency.IncrementalStep)], config, args);
