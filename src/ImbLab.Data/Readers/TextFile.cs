using ImbLab.Core;
using System.Text;

namespace ImbLab.Data.Readers;

/// <summary>Loads a data file as text, refusing binary content before any parser sees it.</summary>
internal static class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] ReadBytes(string path)
    {
        if (Directory.Exists(path)) throw new DataFileException(path, null, null, "is a directory, not a data file");
        if (!File.Exists(path)) throw new DataFileException(path, null, null, "file not found");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new DataFileException(path, null, null, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>The file's text without a byte-order mark. Empty (or whitespace-only) files are an error here.</summary>
    public static string Load(string path)
    {
        var bytes = ReadBytes(path);
        var body = bytes.AsSpan();
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) body = body[3..];
        var nul = body.IndexOf((byte)0);
        if (nul >= 0)
            throw new DataFileException(path, LineOf(body, nul), null, $"not a text file (NUL byte at offset {nul}); expected a UTF-8 or ASCII text file");
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            var at = e.Index >= 0 ? FirstInvalidUtf8(body) : -1;
            var where = at >= 0 ? $" at offset {at}" : "";
            throw new DataFileException(path, at >= 0 ? LineOf(body, at) : null, null,
                $"not a text file (invalid UTF-8{where}); expected a UTF-8 or ASCII text file", e);
        }
        if (string.IsNullOrWhiteSpace(text)) throw new DataFileException(path, null, null, "the file is empty");
        return text;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return -1;
    }

    private static int LineOf(ReadOnlySpan<byte> bytes, int offset) => bytes[..offset].Count((byte)'\n') + 1;
}

/// <summary>
/// Walks text line by line without allocating, accepting LF, CRLF and lone CR in any mix (KEEL files mix them),
/// and a missing final newline.
/// </summary>
internal ref struct LineCursor
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public LineCursor(ReadOnlySpan<char> text)
    {
        _text = text;
        _position = 0;
        LineNumber = 0;
    }

    /// <summary>1-based number of the line last returned by <see cref="MoveNext"/>.</summary>
    public int LineNumber { get; private set; }

    public bool MoveNext(out ReadOnlySpan<char> line)
    {
        if (_position >= _text.Length)
        {
            line = default;
            return false;
        }
        var rest = _text[_position..];
        var end = rest.IndexOfAny('\n', '\r');
        LineNumber++;
        if (end < 0)
        {
            line = rest;
            _position = _text.Length;
            return true;
        }
        line = rest[..end];
        var skip = rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1;
        _position += end + skip;
        return true;
    }
}
