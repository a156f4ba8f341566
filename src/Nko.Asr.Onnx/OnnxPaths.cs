namespace Nko.Asr.Onnx;

/// <summary>Checks of model paths shared by the ONNX model types.</summary>
internal static class OnnxPaths
{
    public static string Check(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model file '{modelPath}' does not exist.", modelPath);
        }

        return modelPath;
    }
}
