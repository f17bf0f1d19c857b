//! A list view's columns, declared once: each column's human header, its CSV name and one getter,
//! so that the table and the CSV of a view cannot drift apart (JSON stays serde: the original's
//! JSON keys differ from its CSV columns).

use std::borrow::Cow;

use super::{CsvTable, Table};
use crate::text::escape_control_in_line;

/// A cell: one value, or several (one per line in a table, joined by `,` in CSV); borrowed from
/// the row where it can be, so that streaming 100,000 rows allocates little.
pub enum Cell<'a> {
    One(Cow<'a, str>),
    Lines(Vec<Cow<'a, str>>),
}

impl<'a> Cell<'a> {
    /// The cell's lines, owned, for a table.
    pub fn lines(self) -> Vec<String> {
        match self {
            Self::One(value) => vec![value.into_owned()],
            Self::Lines(values) => values.into_iter().map(Cow::into_owned).collect(),
        }
    }

    /// The cell's CSV text: its values joined by `,` (SPEC §4.3).
    pub fn csv(self) -> Cow<'a, str> {
        match self {
            Self::One(value) => value,
            Self::Lines(values) => Cow::Owned(values.join(",")),
        }
    }
}

/// One column of a list view.
pub struct Column<T> {
    /// The human table's header; `None` when only the CSV has the column.
    pub header: Option<&'static str>,
    /// The CSV column's name; `None` when only the human table has it.
    pub csv: Option<&'static str>,
    /// The cell of an item.
    pub get: for<'a> fn(&'a T) -> Cell<'a>,
}

impl<T> Column<T> {
    /// A column of the table and the CSV.
    pub const fn both(
        header: &'static str,
        csv: &'static str,
        get: for<'a> fn(&'a T) -> Cell<'a>,
    ) -> Self {
        Self {
            header: Some(header),
            csv: Some(csv),
            get,
        }
    }

    /// A column of the human table only.
    pub const fn human(header: &'static str, get: for<'a> fn(&'a T) -> Cell<'a>) -> Self {
        Self {
            header: Some(header),
            csv: None,
            get,
        }
    }

    /// A column of the CSV only.
    pub const fn csv(name: &'static str, get: for<'a> fn(&'a T) -> Cell<'a>) -> Self {
        Self {
            header: None,
            csv: Some(name),
            get,
        }
    }
}

/// The human table of `items`, one row each, from the columns that have a header.
pub fn table<'c, T: 'c>(columns: impl IntoIterator<Item = &'c Column<T>>, items: &[T]) -> Table {
    let shown: Vec<&Column<T>> = columns.into_iter().filter(|c| c.header.is_some()).collect();
    Table {
        columns: shown.iter().filter_map(|c| c.header).collect(),
        rows: items
            .iter()
            .map(|item| shown.iter().map(|c| (c.get)(item).lines()).collect())
            .collect(),
    }
}

/// The CSV rows of `items` (after `code,message`), from the columns that have a CSV name.
pub fn csv<'c, T: 'c>(columns: impl IntoIterator<Item = &'c Column<T>>, items: &[T]) -> CsvTable {
    let written: Vec<&Column<T>> = columns.into_iter().filter(|c| c.csv.is_some()).collect();
    CsvTable {
        columns: written.iter().filter_map(|c| c.csv).collect(),
        rows: items
            .iter()
            .map(|item| {
                written
                    .iter()
                    .map(|c| (c.get)(item).csv().into_owned())
                    .collect()
            })
            .collect(),
    }
}

/// The names of the columns that the CSV has.
pub fn csv_names<T>(columns: &[Column<T>]) -> Vec<&'static str> {
    columns.iter().filter_map(|c| c.csv).collect()
}

/// An item's CSV cells, one per column that the CSV has.
pub fn csv_cells<T>(columns: &[Column<T>], item: &T) -> Vec<String> {
    columns
        .iter()
        .filter(|c| c.csv.is_some())
        .map(|c| (c.get)(item).csv().into_owned())
        .collect()
}

/// An item's CSV drawn vertically: each CSV column's name and value, leaving out a column of
/// no values (`Cell::Lines` empty: a token that was not printed).
pub fn csv_attributes<T>(columns: &[Column<T>], item: &T) -> Vec<(&'static str, String)> {
    columns
        .iter()
        .filter_map(|c| match (c.csv, (c.get)(item)) {
            (Some(_), Cell::Lines(values)) if values.is_empty() => None,
            (Some(name), cell) => Some((name, cell.csv().into_owned())),
            (None, _) => None,
        })
        .collect()
}

/// One item drawn vertically (`user get`, `role get`): an `Attribute | Value` table, a row per
/// column with a header.
pub fn attributes<T>(columns: &[Column<T>], item: &T) -> Table {
    Table::attributes(
        columns
            .iter()
            .filter_map(|c| Some((c.header?, (c.get)(item).lines())))
            .collect(),
    )
}

/// The same rows as CSV: `attribute,value`, several values joined by `,` (SPEC §4.3).
pub fn attribute_csv<T>(columns: &[Column<T>], item: &T) -> CsvTable {
    CsvTable {
        columns: vec!["attribute", "value"],
        rows: columns
            .iter()
            .filter_map(|c| Some(vec![c.header?.to_owned(), (c.get)(item).csv().into_owned()]))
            .collect(),
    }
}

/// The human table of `items` as plain text, written row by row (100,000 users never become a
/// [`Table`]): each cell escaped for a terminal, several values one per line.
pub fn write_plain<T>(
    out: &mut dyn std::io::Write,
    columns: &[Column<T>],
    items: &[T],
) -> std::io::Result<()> {
    let shown: Vec<&Column<T>> = columns.iter().filter(|c| c.header.is_some()).collect();
    let headers: Vec<&str> = shown.iter().filter_map(|c| c.header).collect();
    super::human::write_plain(out, &headers, || {
        items.iter().map(|item| {
            shown
                .iter()
                .map(|c| plain((c.get)(item)))
                .collect::<Vec<_>>()
        })
    })
}

/// A cell as a plain table shows it: escaped, borrowed when nothing needed escaping.
fn plain(cell: Cell<'_>) -> Cow<'_, str> {
    match cell {
        Cell::One(Cow::Borrowed(value)) => escape_control_in_line(value),
        Cell::One(Cow::Owned(value)) => Cow::Owned(escape_control_in_line(&value).into_owned()),
        Cell::Lines(values) => Cow::Owned(
            values
                .iter()
                .map(|value| escape_control_in_line(value))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// One value as a cell.
pub fn one<'a>(value: impl Into<Cow<'a, str>>) -> Cell<'a> {
    Cell::One(value.into())
}

/// Several values as a cell.
pub fn many<'a, S: AsRef<str> + ?Sized + 'a>(values: impl IntoIterator<Item = &'a S>) -> Cell<'a> {
    Cell::Lines(
        values
            .into_iter()
            .map(|v| Cow::Borrowed(v.as_ref()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pair(&'static str, Vec<&'static str>);

    const COLUMNS: &[Column<Pair>] = &[
        Column::both("Name", "name", |p| one(p.0)),
        Column::human("Short", |p| one(p.1.first().copied().unwrap_or_default())),
        Column::csv("all", |p| many(p.1.iter().copied())),
    ];

    #[test]
    fn the_table_and_the_csv_come_from_one_list_each_with_its_own_columns() {
        let items = [Pair("a", vec!["x", "y"]), Pair("b", vec![])];
        let table = table(COLUMNS, &items);
        assert_eq!(table.columns, ["Name", "Short"]);
        assert_eq!(
            table.rows,
            [
                vec![vec!["a".to_owned()], vec!["x".to_owned()]],
                vec![vec!["b".to_owned()], vec![String::new()]]
            ]
        );
        let csv = csv(COLUMNS, &items);
        assert_eq!(csv.columns, ["name", "all"]);
        assert_eq!(csv.rows, [["a", "x,y"], ["b", ""]]);
    }

    #[test]
    fn one_item_drawn_vertically_has_a_row_per_column() {
        let item = Pair("a\x1b", vec!["x", "y"]);
        let table = attributes(COLUMNS, &item);
        assert_eq!(table.columns, ["Attribute", "Value"]);
        assert_eq!(
            table.rows,
            [
                vec![vec!["Name".to_owned()], vec!["a\x1b".to_owned()]],
                vec![vec!["Short".to_owned()], vec!["x".to_owned()]]
            ],
            "a CSV-only column is not a row; the table escapes when it draws"
        );
        let csv = attribute_csv(COLUMNS, &item);
        assert_eq!(csv.columns, ["attribute", "value"]);
        assert_eq!(csv.rows, [["Name", "a\x1b"], ["Short", "x"]]);
        // A record drawn vertically leaves out a column of no values.
        assert_eq!(
            csv_attributes(COLUMNS, &item),
            [("name", "a\x1b".to_owned()), ("all", "x,y".to_owned())]
        );
        assert_eq!(
            csv_attributes(COLUMNS, &Pair("b", vec![])),
            [("name", "b".to_owned())]
        );
        assert_eq!(csv_names(COLUMNS), ["name", "all"]);
        assert_eq!(csv_cells(COLUMNS, &item), ["a\x1b", "x,y"]);
    }

    #[test]
    fn a_plain_table_escapes_each_cell_and_puts_each_value_on_its_line() {
        const LINES: &[Column<Pair>] = &[
            Column::both("Name", "name", |p| one(p.0)),
            Column::human("All", |p| many(p.1.iter().copied())),
            Column::human("Owned", |p| one(format!("{}!", p.0))),
        ];
        let mut out = Vec::new();
        write_plain(&mut out, LINES, &[Pair("a\x1b", vec!["x\x07", "y"])]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        let rows: Vec<&str> = text.lines().skip(3).take(2).collect();
        assert_eq!(
            rows,
            [
                "│ a\\u{1b} │ x\\u{7} │ a\\u{1b}! │",
                "│         │ y      │          │"
            ]
        );
    }
}
