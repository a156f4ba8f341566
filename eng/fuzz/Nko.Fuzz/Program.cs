using System.Globalization;
using Nko.Fuzz;

// Hand-rolled options: the tool has a handful, and a parser package would be one more thing to restore.
string targetArg = "all";
ulong seed = 1;
long? iterations = null, single = null;
double? seconds = null;
bool verbose = false;
var settings = new FuzzSettings();
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--target": targetArg = Value(); break;
            case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--iterations": iterations = long.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--iteration": single = long.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--max-frames": settings = settings with { MaxFrames = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            case "--slow": settings = settings with { SlowIteration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) }; break;
            case "--domain": settings = settings with { WithinScorerDomain = true }; break;
            case "--huge": settings = settings with { Huge = true }; break;
            case "--verbose": verbose = true; break;
            case "--help" or "-h": PrintHelp(); return 0;
            default: throw new ArgumentException($"Unknown option {args[i]}.");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    PrintHelp();
    return 2;
}

List<FuzzTarget> targets = targetArg == "all"
    ? [.. FuzzTarget.All]
    : [.. targetArg.Split(',').Select(name => FuzzTarget.All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No target {name}; see --help."))];
var budget = new FuzzBudget(iterations ?? (seconds is null ? 1000 : null), seconds is { } s ? TimeSpan.FromSeconds(s) : null, single);
Console.WriteLine($"seed {seed}, {(single is { } it ? $"iteration {it}" : iterations is { } n ? $"{n} iterations" : seconds is { } sec ? $"{sec} s" : "1000 iterations")} per target{(settings.Huge ? ", huge sizes" : "")}");
var reports = new List<TargetReport>();
foreach (FuzzTarget target in targets)
{
    TargetReport report = FuzzRunner.Run(target, seed, budget, settings);
    reports.Add(report);
    FuzzRunner.Print(report, Console.Out, verbose || single is not null, reprosPerClass: single is null && Environment.GetEnvironmentVariable("NKO_FUZZ_ALL") is null ? 3 : int.MaxValue);
}

int failures = reports.Sum(r => r.Failures.Count);
Console.WriteLine(failures == 0 ? "No failures." : $"{failures} failures in total.");
return failures == 0 ? 0 : 1;

static void PrintHelp()
{
    Console.WriteLine("""
        Nko.Fuzz: hostile-input fuzzing of the Nko packages (see eng/fuzz/Nko.Fuzz/README.md).
          --target all|NAME[,NAME]  targets to run (default all)
          --seed N                  run seed (default 1); iteration i of a target always gets the same input
          --iterations N            iterations per target (default 1000)
          --seconds S               time budget per target instead of a count
          --iteration I             replay iteration I only, printing every outcome (use with the seed of a failure)
          --max-frames N            largest T of generated matrices (default 200)
          --slow S                  an iteration slower than S seconds is a failure (default 10)
          --domain                  only matrices inside the domain CtcScorer documents exact results for (as in the test suite)
          --huge                    also generate sizes that exhaust memory or overflow int (may abort the process)
          --verbose                 print outcome counts (accepted / rejected kinds) per target
        Targets:
        """);
    foreach (FuzzTarget t in FuzzTarget.All)
    {
        Console.WriteLine($"  {t.Name,-10} {t.Description}");
    }
}
