using BenchmarkDotNet.Running;
using Nko.Benchmarks.Experiments;

// `sweep-generator` is a measurement of its own (CER and alternating-batch timing); everything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == "sweep-generator")
{
    return GeneratorSweep.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "revision-timing")
{
    return RevisionTiming.Run();
}

if (args.Length > 0 && args[0] == "beam-experiment")
{
    return BeamExperiment.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "lm-experiment")
{
    return LmExperiment.Run(args[1..]);
}

// Non-zero when BenchmarkDotNet ran nothing or any benchmark failed to build or run (CI must not pass on an empty run).
BenchmarkDotNet.Reports.Summary[] summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args)];
return Nko.Benchmarks.BenchmarkOutcome.ExitCode(args, summaries, Console.Error);
