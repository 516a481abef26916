import type { ReactNode } from "react";

/** One column: its header and what it shows for a row. */
export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => ReactNode;
  /** Lets the cell's text wrap (long sentences, paths), so the other columns keep their width. */
  readonly wrap?: boolean;
}

/** `data-*` attributes a row carries, for styling and tests. */
export type RowData = Readonly<Record<`data-${string}`, string>>;

/**
 * A scrollable table with one header row, a column per entry of `columns` and a row per entry of
 * `rows`.
 *
 * @example
 * <DataTable rows={documents} rowKey={(d) => d.id} columns={[{ header: "Title", cell: (d) => d.title }]} />
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowData,
  testId,
}: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  rowData?: (row: Row) => RowData;
  testId?: string;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowData?.(row)}>
              {columns.map((column) => (
                <td key={column.header} className={column.wrap ? "cell--wrap" : undefined}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
