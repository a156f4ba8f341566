namespace Nko.Fuzz;

/// <summary>One fuzz target: a generator of hostile-but-typed inputs for one API and the invariants it must keep.</summary>
public abstract class FuzzTarget
{
    /// <summary>The name given to <c>--target</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Generates one input from <see cref="FuzzContext.Random"/> and checks it, reporting through the context.</summary>
    public abstract void Run(FuzzContext context);

    /// <summary>Every target, in the order <c>--target all</c> runs them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new Targets.ScorerTarget(),
        new Targets.PipelineTarget(),
        new Targets.CandidatesTarget(),
        new Targets.NpyTarget(),
        new Targets.QuantTarget(),
        new Targets.ConfigTarget(),
    ];
}
