namespace Nko.Candidates;

/// <summary>O(1) counts keyed by a pair of small non-negative ids: dense for small vocabularies, hashed for large ones. Immutable after construction.</summary>
internal sealed class PairCountTable
{
    private const int DenseCellLimit = 1 << 18;

    private readonly int _rows;
    private readonly int _columns;
    private readonly int[]? _dense;
    private readonly Dictionary<long, int>? _sparse;

    public PairCountTable(int rows, int columns, int capacity)
    {
        _rows = rows;
        _columns = columns;
        if ((long)rows * columns <= DenseCellLimit)
        {
            _dense = new int[rows * columns];
        }
        else
        {
            _sparse = new Dictionary<long, int>(capacity);
        }
    }

    /// <summary>Sets a count; only during construction of the owner.</summary>
    public void Set(int row, int column, int count)
    {
        if (_dense is not null)
        {
            _dense[(row * _columns) + column] = count;
        }
        else
        {
            _sparse![((long)row * _columns) + column] = count;
        }
    }

    /// <summary>The count of (row, column); 0 for pairs without one and for ids out of range.</summary>
    public int Get(int row, int column)
    {
        if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns)
        {
            return 0;
        }

        if (_dense is not null)
        {
            return _dense[(row * _columns) + column];
        }

        return _sparse!.TryGetValue(((long)row * _columns) + column, out int count) ? count : 0;
    }
}
