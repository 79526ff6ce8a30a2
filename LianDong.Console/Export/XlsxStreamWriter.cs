using LianDong.Domain;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using LianDong.Domain.Engine;

namespace LianDong.Console.Export;

public enum XlsxKind { Text, Integer, Yuan, Date, DateTime }

/// <summary>A column: Chinese name (first header row), English name (second header row), width in characters, type.</summary>
public sealed record XlsxColumn(string Chinese, string English, double Width, XlsxKind Kind, bool Total = false);

/// <summary>
/// Writes an .xlsx to a stream as it goes: the zip is written in create mode (entries streamed, nothing kept for
/// later), each sheet's XML through the SDK's <see cref="OpenXmlWriter"/> (SAX). Memory stays flat whatever the
/// number of rows (measured by ExportMemoryTests). Cells are typed: text as inline strings, money as numbers in yuan
/// (fen / 100, exact) with format 0.00, dates and times as date serials in the platform time zone. Two header rows
/// (Chinese, English) are frozen; a totals row carries a SUM formula with its value cached.
/// </summary>
public sealed class XlsxStreamWriter : IDisposable
{
    private const uint StyleHeader = 1, StyleYuan = 2, StyleDate = 3, StyleDateTime = 4, StyleTotalLabel = 5, StyleTotalYuan = 6, StyleTotalInt = 7;
    private readonly ZipArchive _zip;
    private readonly List<string> _sheets = [];
    private XlsxSheet? _open;

    public XlsxStreamWriter(Stream output) => _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);

    /// <param name="englishHeader">False for files another program reads (a bank's batch-transfer template): one
    /// header row, the Chinese names only.</param>
    public XlsxSheet StartSheet(string name, IReadOnlyList<XlsxColumn> columns, bool englishHeader = true)
    {
        if (_open is not null) throw new InvalidOperationException("Finish the previous sheet first.");
        _sheets.Add(name);
        var entry = _zip.CreateEntry($"xl/worksheets/sheet{_sheets.Count}.xml", CompressionLevel.Fastest);
        _open = new XlsxSheet(this, entry.Open(), columns, englishHeader ? 2u : 1u);
        return _open;
    }

    internal void Closed() => _open = null;

    public void Dispose()
    {
        _open?.Dispose();
        Write("[Content_Types].xml", ContentTypes());
        Write("_rels/.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        var sheets = new StringBuilder();
        var rels = new StringBuilder();
        for (var i = 1; i <= _sheets.Count; i++)
        {
            sheets.Append($"""<sheet name="{Escape(_sheets[i - 1])}" sheetId="{i}" r:id="rId{i}"/>""");
            rels.Append($"""<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>""");
        }
        rels.Append($"""<Relationship Id="rId{_sheets.Count + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""");
        Write("xl/workbook.xml",
            $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>""");
        Write("xl/_rels/workbook.xml.rels",
            $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>""");
        Write("xl/styles.xml", Styles);
        _zip.Dispose();
    }

    private string ContentTypes()
    {
        var sb = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""");
        for (var i = 1; i <= _sheets.Count; i++)
            sb.Append($"""<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
        return sb.Append("</Types>").ToString();
    }

    private void Write(string path, string xml)
    {
        using var s = _zip.CreateEntry(path, CompressionLevel.Fastest).Open();
        var bytes = Encoding.UTF8.GetBytes(xml);
        s.Write(bytes);
    }

    private static string Escape(string s) => System.Security.SecurityElement.Escape(s) ?? "";

    // Fonts: 0 normal, 1 bold. Formats 164 = 0.00, 165 = yyyy-mm-dd, 166 = yyyy-mm-dd hh:mm.
    private const string Styles = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="0.00"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="1" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>""";

    /// <summary>One sheet being written. Rows go straight to the zip entry.</summary>
    public sealed class XlsxSheet : IDisposable
    {
        private readonly XlsxStreamWriter _owner;
        private readonly Stream _stream;
        private readonly OpenXmlWriter _w;
        private readonly IReadOnlyList<XlsxColumn> _columns;
        private readonly long[] _sums;
        private readonly uint _headerRows;
        private uint _row;
        private bool _done;

        internal XlsxSheet(XlsxStreamWriter owner, Stream stream, IReadOnlyList<XlsxColumn> columns, uint headerRows)
        {
            _headerRows = headerRows;
            var first = $"A{headerRows + 1}";
            _owner = owner; _stream = stream; _columns = columns; _sums = new long[columns.Count];
            _w = OpenXmlWriter.Create(stream, Encoding.UTF8);
            _w.WriteStartDocument(true);
            _w.WriteStartElement(new Worksheet(), [], [new KeyValuePair<string, string>("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")]);
            _w.WriteElement(new SheetViews(new SheetView(
                new Pane { VerticalSplit = headerRows, TopLeftCell = first, ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new Selection { Pane = PaneValues.BottomLeft, ActiveCell = first, SequenceOfReferences = new ListValue<StringValue> { InnerText = first } })
            { WorkbookViewId = 0 }));
            var cols = new Columns();
            for (var i = 0; i < columns.Count; i++)
                cols.Append(new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = columns[i].Width, CustomWidth = true });
            _w.WriteElement(cols);
            _w.WriteStartElement(new SheetData());
            HeaderRow(columns.Select(c => c.Chinese));
            if (headerRows > 1) HeaderRow(columns.Select(c => c.English));
        }

        public long RowCount { get; private set; }

        private void HeaderRow(IEnumerable<string> names)
        {
            _row++;
            _w.WriteStartElement(new Row { RowIndex = _row });
            var i = 0;
            foreach (var n in names) _w.WriteElement(TextCell(Ref(i++), n, StyleHeader));
            _w.WriteEndElement();
        }

        /// <summary>One data row; values by column: string for Text, long for Integer, long fen for Yuan, DateOnly for Date, DateTimeOffset for DateTime.</summary>
        public void WriteRow(params object?[] values)
        {
            if (values.Length != _columns.Count) throw new ArgumentException($"expected {_columns.Count} values, got {values.Length}");
            _row++;
            RowCount++;
            _w.WriteStartElement(new Row { RowIndex = _row });
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is null) continue;
                var r = Ref(i);
                switch (_columns[i].Kind)
                {
                    case XlsxKind.Text: _w.WriteElement(TextCell(r, Convert.ToString(values[i], CultureInfo.InvariantCulture) ?? "", 0)); break;
                    case XlsxKind.Integer:
                        var n = Convert.ToInt64(values[i], CultureInfo.InvariantCulture);
                        _sums[i] += n;
                        _w.WriteElement(NumberCell(r, n.ToString(CultureInfo.InvariantCulture), 0)); break;
                    case XlsxKind.Yuan:
                        var fen = (long)values[i]!;
                        _sums[i] += fen;
                        _w.WriteElement(NumberCell(r, Money.FromFen(fen).ToString("F"), StyleYuan)); break;
                    case XlsxKind.Date:
                        _w.WriteElement(NumberCell(r, Serial((DateOnly)values[i]!).ToString(CultureInfo.InvariantCulture), StyleDate)); break;
                    case XlsxKind.DateTime:
                        _w.WriteElement(NumberCell(r, Serial((DateTimeOffset)values[i]!).ToString("0.########", CultureInfo.InvariantCulture), StyleDateTime)); break;
                }
            }
            _w.WriteEndElement();
        }

        /// <summary>The totals row: the label in the first column, SUM formulas (value cached) under columns marked Total.</summary>
        public void WriteTotals(string label = "合计 Total")
        {
            _row++;
            _w.WriteStartElement(new Row { RowIndex = _row });
            _w.WriteElement(TextCell(Ref(0), label, StyleTotalLabel));
            for (var i = 1; i < _columns.Count; i++)
            {
                if (!_columns[i].Total) continue;
                var col = ColumnName(i);
                var formula = RowCount == 0 ? "0" : $"SUM({col}{_headerRows + 1}:{col}{_row - 1})";
                var value = _columns[i].Kind == XlsxKind.Yuan ? Money.FromFen(_sums[i]).ToString("F") : _sums[i].ToString(CultureInfo.InvariantCulture);
                _w.WriteElement(new Cell(new CellFormula(formula), new CellValue(value))
                    { CellReference = $"{col}{_row}", DataType = CellValues.Number, StyleIndex = _columns[i].Kind == XlsxKind.Yuan ? StyleTotalYuan : StyleTotalInt });
            }
            _w.WriteEndElement();
        }

        public long SumOf(int column) => _sums[column];

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _w.WriteEndElement(); // sheetData
            _w.WriteEndElement(); // worksheet
            _w.Close();
            _stream.Dispose();
            _owner.Closed();
        }

        private string Ref(int column) => ColumnName(column) + _row.ToString(CultureInfo.InvariantCulture);

        private static Cell TextCell(string r, string text, uint style) =>
            new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { CellReference = r, DataType = CellValues.InlineString, StyleIndex = style == 0 ? null : style };

        private static Cell NumberCell(string r, string value, uint style) =>
            new(new CellValue(value)) { CellReference = r, DataType = CellValues.Number, StyleIndex = style == 0 ? null : style };
    }

    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    private static readonly DateOnly Epoch = new(1899, 12, 30);

    public static int Serial(DateOnly date) => date.DayNumber - Epoch.DayNumber;

    /// <summary>Date serial of an instant in the platform time zone (Asia/Shanghai).</summary>
    public static double Serial(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, PlatformTime.Zone).DateTime;
        return Serial(DateOnly.FromDateTime(local)) + local.TimeOfDay.TotalDays;
    }
}
