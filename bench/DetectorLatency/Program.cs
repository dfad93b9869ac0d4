using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// The PUT's detection step (issue 11 target: at most 1 ms at the 95th percentile for a patient with 100 sessions).
// Usage: dotnet run -c Release --project bench/DetectorLatency
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.P95);
BenchmarkRunner.Run<AllianceMonitor.Bench.DetectorLatency.DetectionStep>(config, args);
