using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace LianDong.Tests.Finance;

/// <summary>Reads a produced workbook back with the OpenXml SDK: sheets by name, cells with their declared type and style.</summary>
public sealed class XlsxReader : IDisposable
{
    private readonly SpreadsheetDocument _doc;

    public XlsxReader(Stream stream) => _doc = SpreadsheetDocument.Open(stream, false);

    public IReadOnlyList<string> SheetNames => _doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!).ToList();

    public Worksheet Sheet(string name) => SheetPart(name).Worksheet;

    /// <summary>The part without loading it (for reading a large sheet with OpenXmlReader).</summary>
    public WorksheetPart SheetPart(string name)
    {
        var sheet = _doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)_doc.WorkbookPart.GetPartById(sheet.Id!);
    }

    public static List<Row> Rows(Worksheet ws) => ws.GetFirstChild<SheetData>()!.Elements<Row>().ToList();

    public static Cell CellAt(Row row, string column) => row.Elements<Cell>().Single(c => c.CellReference == column + row.RowIndex!.Value);

    public static string Text(Cell c) => c.DataType?.Value == CellValues.InlineString ? c.InlineString!.Text!.Text : c.CellValue!.Text;

    public static bool IsNumber(Cell c) => (c.DataType is null || c.DataType.Value == CellValues.Number) && c.CellValue is not null;

    /// <summary>A yuan cell's value back in fen, exactly.</summary>
    public static long Fen(Cell c) => decimal.ToInt64(decimal.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture) * 100);

    /// <summary>The number format code of a cell's style.</summary>
    public string Format(Cell c)
    {
        var styles = _doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        var xf = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)(c.StyleIndex?.Value ?? 0));
        var id = xf.NumberFormatId!.Value;
        return styles.NumberingFormats?.Elements<NumberingFormat>().FirstOrDefault(n => n.NumberFormatId! == id)?.FormatCode?.Value ?? $"builtin:{id}";
    }

    public void Dispose() => _doc.Dispose();
}
