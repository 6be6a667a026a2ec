/** CSV the way RFC 4180 writes it, so spreadsheets and `csvkit` read titles with commas and quotes intact. */

/** A field with a comma, a double quote, CR or LF goes in quotes, its quotes doubled; any other goes as is. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Records end in CRLF, the last one included. */
export const csv = (rows: string[][]): string => rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
