namespace Nko.Fuzz;

/// <summary>What one iteration reports: failures (an invariant broken) and outcome tallies (how inputs were handled).</summary>
public sealed class FuzzContext(FuzzRandom random, FuzzSettings settings)
{
    private readonly List<(string Kind, string Detail)> _failures = [];
    private readonly List<string> _outcomes = [];

    public FuzzRandom Random { get; } = random;

    public FuzzSettings Settings { get; } = settings;

    public IReadOnlyList<(string Kind, string Detail)> Failures => _failures;

    public IReadOnlyList<string> Outcomes => _outcomes;

    /// <summary>Records a broken invariant; <paramref name="kind"/> is the class failures are grouped by.</summary>
    public void Fail(string kind, string detail) => _failures.Add((kind, detail));

    public bool Check(bool condition, string kind, string detail)
    {
        if (!condition)
        {
            Fail(kind, detail);
        }

        return condition;
    }

    /// <summary>Counts how an input was handled (accepted, rejected with the documented exception, …).</summary>
    public void Count(string outcome) => _outcomes.Add(outcome);

    /// <summary>
    /// Runs <paramref name="action"/>; an exception of type <typeparamref name="TDocumented"/> (or derived) counts as a
    /// documented rejection, any other is a failure classed by the API and exception type. Returns whether it completed.
    /// </summary>
    public bool Expect<TDocumented>(string api, Action action)
        where TDocumented : Exception
    {
        try
        {
            action();
            return true;
        }
        catch (TDocumented)
        {
            Count($"{api}: rejected ({typeof(TDocumented).Name})");
            return false;
        }
        catch (Exception e)
        {
            Fail($"{api}: undocumented {e.GetType().Name}", Describe(e));
            return false;
        }
    }

    /// <summary>Runs a call the input is valid for: any exception is a failure classed by the API and exception type.</summary>
    public bool Call(string api, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e)
        {
            Fail($"{api}: undocumented {e.GetType().Name}", Describe(e));
            return false;
        }
    }

    /// <summary>Like <see cref="Expect{TDocumented}"/>, for a call the input requires to throw <typeparamref name="TDocumented"/>.</summary>
    public void ExpectThrows<TDocumented>(string api, string why, Action action)
        where TDocumented : Exception
    {
        try
        {
            action();
            Fail($"{api}: accepted {why}", $"expected {typeof(TDocumented).Name}");
        }
        catch (TDocumented)
        {
            Count($"{api}: rejected {why}");
        }
        catch (Exception e)
        {
            Fail($"{api}: undocumented {e.GetType().Name}", $"({why}) {Describe(e)}");
        }
    }

    public static string Describe(Exception e)
    {
        string where = e.StackTrace?.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.Contains("Nko.", StringComparison.Ordinal)) ?? "";
        string message = e.Message.ReplaceLineEndings(" ");
        message = message.Length > 200 ? message[..200] + "…" : message;
        return $"{e.GetType().Name}: {message} {where}".Trim();
    }
}

/// <summary>Run-wide switches the targets read.</summary>
public sealed record FuzzSettings
{
    /// <summary>Also generate sizes that exhaust memory or overflow 32-bit buffer arithmetic (may abort the process).</summary>
    public bool Huge { get; init; }

    /// <summary>Largest frame count T of generated matrices in the default mode.</summary>
    public int MaxFrames { get; init; } = 200;

    /// <summary>
    /// Only generate matrices inside the domain where CtcScorer documents exact results (see
    /// <see cref="HostileMatrices.Create"/>); the in-suite run sets it, the command line has <c>--domain</c>.
    /// </summary>
    public bool WithinScorerDomain { get; init; }

    /// <summary>An iteration slower than this is a failure (class "slow"): inputs are small, so this means runaway work.</summary>
    public TimeSpan SlowIteration { get; init; } = TimeSpan.FromSeconds(10);
}
