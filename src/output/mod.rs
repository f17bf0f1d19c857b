//! What commands return ([`Outcome`]) and how it is printed: `human`, `json` or `csv` (SPEC §4).
//!
//! Renderers are pure: they turn an outcome or an error into the text for stdout and stderr, and
//! `app` writes it. Nothing here calls the API. Each view derives `Serialize` for JSON and names
//! its CSV columns itself (the CSV header is a contract, SPEC §4.3).

pub mod columns;
mod csv;
mod human;
pub mod json;
mod printer;
pub mod views;

pub use printer::Printer;

use serde::Serialize;
use serde_json::Value;

use crate::error::{CliError, ErrorCode};
use crate::hints::{CommandLine, Hint, Suggestion};
use crate::text::plural;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Csv,
}

/// A human table: one row per item, each cell one or more values (one per line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Vec<String>>>,
}

impl Table {
    pub fn new(columns: &[&'static str]) -> Self {
        Self {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Vec<String>>) {
        self.rows.push(cells);
    }

    /// An `Attribute | Value` table, as `user get` and `role get` show.
    pub fn attributes(rows: Vec<(&'static str, Vec<String>)>) -> Self {
        let mut table = Self::new(&["Attribute", "Value"]);
        for (name, values) in rows {
            table.row(vec![vec![name.to_owned()], values]);
        }
        table
    }
}

/// CSV rows after `code,message`: the columns are declared by the view, never derived from the
/// human headers.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Data for the value envelope (`{"code": "OK", "data": …}`), a table, and CSV rows.
pub trait ValueView {
    /// The whole JSON value envelope, serialized straight from the view's borrowed data (no
    /// intermediate `serde_json::Value`): see [`json::value_envelope`].
    fn json(&self) -> String;
    fn table(&self) -> Table;
    fn csv(&self) -> CsvTable;
    /// The one token this view prints unmasked on stdout (SPEC §6: `token get`, `token create`).
    fn reveals(&self) -> Option<&str> {
        None
    }
    /// A single value printed bare in human output (`org id`, `token get`) instead of a table.
    fn bare(&self) -> Option<&str> {
        None
    }
    /// The JSON document as jaq's values, when the view can make it faster than its text can be
    /// read back (`--jq` on 100,000 users); `None`: the text is read.
    fn jq_input(&self) -> Option<jaq_json::Val> {
        None
    }
    /// What must hold before anything is written in `format`: a role the API described wrongly
    /// is reported as a bad response, not found halfway through the output.
    fn check(&self, _format: Format) -> Result<(), CliError> {
        Ok(())
    }
    /// Writes the view's stdout text into `out`. By default the text is made whole first; a
    /// view of thousands of rows writes them as it goes.
    fn write(&self, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(whole_value(self, style).as_bytes())
    }
}

/// A value's stdout text made whole: a table (or a bare value), the JSON envelope, or CSV rows.
pub fn whole_value(view: &(impl ValueView + ?Sized), style: Style) -> String {
    match style.format {
        Format::Human => match view.bare() {
            Some(value) => format!("{}\n", crate::text::escape_control(value)),
            None => human::table_within(&view.table(), style.width),
        },
        Format::Json => view.json(),
        Format::Csv => csv::value(view.csv()),
    }
}

/// The CSV of items through their columns, written as they come (a report of millions of rows
/// is never held whole).
pub fn write_csv_items<'c, T: 'c, B: std::borrow::Borrow<T>>(
    out: &mut dyn std::io::Write,
    columns: impl IntoIterator<Item = &'c columns::Column<T>>,
    items: impl Iterator<Item = B>,
) -> std::io::Result<()> {
    let columns: Vec<&columns::Column<T>> = columns.into_iter().collect();
    csv::write_items(out, &columns, items)
}

/// A table as human output draws it, fitted to `width` when it is a terminal's.
pub fn table_text(table: &Table, width: Option<usize>) -> String {
    human::table_within(table, width)
}

/// A value's stdout text, as [`ValueView::write`] writes it.
fn value_text(view: &dyn ValueView, style: Style) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = view.write(style, &mut out);
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// The typed data of a change (invite, delete, …): JSON keys from `Serialize`, CSV cells from
/// its columns, declared once.
pub trait Record: Serialize + Sized + 'static {
    /// Its CSV columns after `code,message`: each a name and a getter.
    const COLUMNS: &'static [columns::Column<Self>];
    /// Its CSV is `attribute,value` rows, one per column that has a value, instead of one row
    /// (`token rotate`, as `token create` writes its result).
    const VERTICAL: bool = false;

    /// The names of its CSV columns (a batch's header, even when every item failed).
    fn csv_names() -> Vec<&'static str> {
        columns::csv_names(Self::COLUMNS)
    }
}

/// [`Record`] made object-safe so that outcomes can hold any change's data.
pub trait AnyRecord {
    fn json(&self) -> Value;
    fn columns(&self) -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
    fn attributes(&self) -> Option<Vec<(&'static str, String)>>;
}

impl<T: Record> AnyRecord for T {
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn columns(&self) -> Vec<&'static str> {
        T::csv_names()
    }
    fn cells(&self) -> Vec<String> {
        columns::csv_cells(T::COLUMNS, self)
    }
    fn attributes(&self) -> Option<Vec<(&'static str, String)>> {
        T::VERTICAL.then(|| columns::csv_attributes(T::COLUMNS, self))
    }
}

/// What a successful call did: a change, nothing (the item was already as asked), or, in a dry
/// run, a change that would be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Changed,
    Unchanged,
    Planned,
}

/// The outcome of a change: a message with hints, and its data (the response envelope).
pub struct Response {
    pub message: String,
    pub suggestions: Vec<Suggestion>,
    pub data: Box<dyn AnyRecord>,
    pub effect: Effect,
    /// `--exit-code` was given: a planned change exits 11.
    pub exit_code: bool,
    /// What went wrong after the change was made, with its code (`token rotate`: the old token
    /// could not be deleted, or a signal skipped its deletion): the data still says what was done.
    pub failure: Option<(ErrorCode, String)>,
    /// A secret shown on purpose on its own line after the message, in human output (JSON and
    /// CSV carry it in the data): the new token of `token rotate` when it is printed (SPEC §6).
    pub shown: Option<String>,
    /// What to undo when stdout could not take the response (the shown secret reached nowhere).
    pub undo_unwritten: Option<Undo>,
}

/// A change to take back when an outcome could not be written to stdout: SPEC §1.12, a new token
/// printed to a stdout that cannot be written is deleted again, and the old one kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    DeleteToken { client_id: String, kept: String },
}

impl Response {
    pub fn new(message: impl Into<String>, data: impl Record + 'static) -> Self {
        Self {
            message: message.into(),
            suggestions: Vec::new(),
            data: Box::new(data),
            effect: Effect::Changed,
            exit_code: false,
            failure: None,
            shown: None,
            undo_unwritten: None,
        }
    }

    /// The change was made, but the command fails with `code`: `why` is the error's headline.
    pub fn failed_with(mut self, code: ErrorCode, why: impl Into<String>) -> Self {
        self.failure = Some((code, why.into()));
        self
    }

    /// `OK`, or the failure's code.
    pub fn code(&self) -> ErrorCode {
        self.failure
            .as_ref()
            .map_or(ErrorCode::Ok, |(code, _)| *code)
    }

    /// The envelope's message: the failure (`Error: …`) when there is one.
    pub fn envelope_message(&self) -> String {
        match &self.failure {
            Some((_, why)) => format!("Error: {why}"),
            None => self.message.clone(),
        }
    }

    /// With `--exit-code` (`on`), a planned change exits 11 (SPEC §1.8).
    pub fn exit_code(mut self, on: bool) -> Self {
        self.exit_code = on;
        self
    }

    /// A dry run that planned a change, and asked for its own exit status.
    fn planned_a_change(&self) -> bool {
        self.exit_code && self.effect == Effect::Planned
    }

    pub fn suggest(mut self, suggestion: impl Into<Suggestion>) -> Self {
        self.suggestions.push(suggestion.into());
        self
    }

    /// [`Response::suggest`] only when `wanted` (a hint the original does not print, shown to a
    /// person at a terminal only).
    pub fn suggest_if(self, wanted: bool, suggestion: impl Into<Suggestion>) -> Self {
        if wanted {
            self.suggest(suggestion)
        } else {
            self
        }
    }

    /// Marks the response as one that changed nothing (`--if-exists` of a missing user).
    pub fn unchanged(mut self) -> Self {
        self.effect = Effect::Unchanged;
        self
    }

    /// Marks the response as a dry run's plan.
    pub fn planned(mut self) -> Self {
        self.effect = Effect::Planned;
        self
    }
}

/// A change of a batch (SPEC §13): its word in JSON and CSV, its wave, and its place in the
/// summary's counts (the order of the variants), all here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Invite,
    Reinvite,
    SetRoles,
    Delete,
    CreateRole,
    UpdateRole,
    DeleteRole,
}

/// The order of changes (SPEC §13.1): role creates and updates, then user invites and role
/// changes (which may need the new roles), then deletions (users, tokens), then role deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wave {
    Roles,
    Users,
    Deletes,
    RoleDeletes,
}

impl Wave {
    pub const ALL: [Wave; 4] = [Self::Roles, Self::Users, Self::Deletes, Self::RoleDeletes];
}

impl Action {
    pub const ALL: [Action; 7] = [
        Self::Invite,
        Self::Reinvite,
        Self::SetRoles,
        Self::Delete,
        Self::CreateRole,
        Self::UpdateRole,
        Self::DeleteRole,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Reinvite => "reinvite",
            Self::SetRoles => "set-roles",
            Self::Delete => "delete",
            Self::CreateRole => "create-role",
            Self::UpdateRole => "update-role",
            Self::DeleteRole => "delete-role",
        }
    }

    pub fn wave(self) -> Wave {
        match self {
            Self::CreateRole | Self::UpdateRole => Wave::Roles,
            Self::Invite | Self::Reinvite | Self::SetRoles => Wave::Users,
            Self::Delete => Wave::Deletes,
            Self::DeleteRole => Wave::RoleDeletes,
        }
    }
}

/// An item's `status` in every format (SPEC §13.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Done,
    Unchanged,
    Planned,
    Failed,
    NotStarted,
    Skipped,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Unchanged => "unchanged",
            Self::Planned => "planned",
            Self::Failed => "failed",
            Self::NotStarted => "not started",
            Self::Skipped => "skipped",
        }
    }
}

/// What happened to one item of a multi-item command (SPEC §13.4).
pub enum ItemResult {
    Done(Response),
    Failed(CliError),
    /// Not started: the command was interrupted (SPEC §5), or, with the refusal that ended the
    /// waiting, the API refused every request for too long (SPEC §7.2).
    NotStarted(Option<CliError>),
    /// Not sent because a change it needs failed (SPEC §13.1): why, with that change's code.
    Skipped(CliError),
}

impl ItemResult {
    pub fn status(&self) -> ItemStatus {
        match self {
            Self::Done(response) => match response.effect {
                Effect::Changed => ItemStatus::Done,
                Effect::Unchanged => ItemStatus::Unchanged,
                Effect::Planned => ItemStatus::Planned,
            },
            Self::Failed(_) => ItemStatus::Failed,
            Self::NotStarted(_) => ItemStatus::NotStarted,
            Self::Skipped(_) => ItemStatus::Skipped,
        }
    }

    /// The item's `code` and `message` columns in JSON and CSV.
    fn code_and_message(&self) -> (&'static str, String) {
        match self {
            Self::Done(response) => ("OK", response.message.clone()),
            Self::Failed(error) | Self::Skipped(error) => (error.code.code(), error.message()),
            Self::NotStarted(None) => ("EXECUTION_CANCELLED", NOT_STARTED.to_owned()),
            Self::NotStarted(Some(refused)) => (refused.code.code(), refused.message()),
        }
    }

    fn response(&self) -> Option<&Response> {
        match self {
            Self::Done(response) => Some(response),
            _ => None,
        }
    }
}

impl From<Result<Response, CliError>> for ItemResult {
    fn from(result: Result<Response, CliError>) -> Self {
        match result {
            Ok(response) => Self::Done(response),
            Err(error) => Self::Failed(error),
        }
    }
}

/// What kind of thing a batch changes: the key of its items in JSON and CSV, and the noun that
/// names an item in human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    User,
    Role,
    Token,
}

impl ItemKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Role => "role",
            Self::Token => "token",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Role => "Role",
            Self::Token => "Token",
        }
    }
}

/// One item of a multi-item command: what it is, what the plan said of it, what happened.
pub struct BatchItem {
    /// The item as typed or as the file wrote it.
    pub label: String,
    /// The planned change, counted in the summary.
    pub action: Option<Action>,
    /// Data the plan knows whatever happens (apply's action and roles), so that a failed or
    /// not-started item still says what it was meant to do. A done item shows its own data.
    pub planned: Option<Box<dyn AnyRecord>>,
    pub result: ItemResult,
    /// The item's kind when it differs from the batch's (a role in a team file of users).
    pub kind: Option<ItemKind>,
}

impl BatchItem {
    pub fn new(label: impl Into<String>, result: ItemResult) -> Self {
        Self {
            label: label.into(),
            action: None,
            planned: None,
            result,
            kind: None,
        }
    }

    pub fn kind_in(&self, batch: &Batch) -> ItemKind {
        self.kind.unwrap_or(batch.kind)
    }

    /// The data columns of this item: the response's when it has one, else the plan's.
    pub fn record(&self) -> Option<&dyn AnyRecord> {
        self.result
            .response()
            .map(|r| r.data.as_ref())
            .or(self.planned.as_deref())
    }

    fn is_change(&self) -> bool {
        self.result.status() != ItemStatus::Unchanged
    }
}

/// The outcome of a command over several items, one per item in input order (SPEC §13).
pub struct Batch {
    pub kind: ItemKind,
    pub items: Vec<BatchItem>,
    /// The CSV columns of the items' data, for the header even when every item failed.
    pub columns: Vec<&'static str>,
    /// What the summary starts with for a command that names its input (`Applied 'team.toml'`).
    pub title: Option<String>,
    /// Nothing was sent: the items are a plan.
    pub dry_run: bool,
    /// Set when a signal stopped the command: its code and exit status win.
    pub cancelled: Option<ErrorCode>,
    /// The flag that makes a rerun skip what is done (`--if-not-exists`, `--if-exists`): a failed
    /// batch hints the command with it instead of saying "run the same command again".
    pub finish_with: Option<&'static str>,
    /// `--exit-code`: a dry run that plans a change exits 11.
    pub exit_code: bool,
}

impl Batch {
    pub fn new(kind: ItemKind, items: Vec<BatchItem>, columns: Vec<&'static str>) -> Self {
        Self {
            kind,
            items,
            columns,
            title: None,
            dry_run: false,
            cancelled: None,
            finish_with: None,
            exit_code: false,
        }
    }

    /// A dry run that planned a change (and no failure), and asked for its own exit status.
    fn planned_a_change(&self) -> bool {
        self.exit_code
            && self.dry_run
            && self.code() == ErrorCode::Ok
            && self.items.iter().any(BatchItem::is_change)
    }

    /// With `--exit-code` (`on`), a dry run that plans a change exits 11.
    pub fn exit_code(mut self, on: bool) -> Self {
        self.exit_code = on;
        self
    }

    /// A rerun with `flag` skips what this batch did (see [`Batch::finish_with`]).
    pub fn finishing_with(mut self, flag: &'static str) -> Self {
        self.finish_with = Some(flag);
        self
    }

    /// The hints of the whole batch, each command once (SPEC §13.4): for a failed run how to
    /// finish it, then those of the unchanged and failed items.
    pub fn hints(&self, line: &CommandLine) -> Vec<Hint> {
        let mut hints: Vec<Hint> = Vec::new();
        let finish = self.finish_hint();
        let suggestions =
            finish
                .iter()
                .chain(self.items.iter().flat_map(|item| match &item.result {
                    ItemResult::Done(response) if response.effect == Effect::Unchanged => {
                        response.suggestions.as_slice()
                    }
                    ItemResult::Failed(error) => error.suggestions.as_slice(),
                    _ => &[],
                }));
        for hint in suggestions.flat_map(|s| line.hints(std::slice::from_ref(s))) {
            if !hints.iter().any(|h| h.command == hint.command) {
                hints.push(hint);
            }
        }
        hints
    }

    /// `Finish with:` and the command plus the flag that skips the done items, after a run in
    /// which some changes failed.
    fn finish_hint(&self) -> Option<Suggestion> {
        let flag = self.finish_with?;
        let failed = self.failures() > 0 && self.cancelled.is_none() && !self.dry_run;
        failed.then(|| Suggestion::edit("Finish with:", crate::hints::Edit::AddFlag(flag)))
    }

    fn count(&self, status: ItemStatus) -> usize {
        self.items
            .iter()
            .filter(|item| item.result.status() == status)
            .count()
    }

    pub fn failures(&self) -> usize {
        self.count(ItemStatus::Failed)
    }

    /// The key column of the CSV: the kind's, or `item` when the batch holds several kinds.
    pub fn key(&self) -> &'static str {
        if self
            .items
            .iter()
            .all(|item| item.kind_in(self) == self.kind)
        {
            self.kind.key()
        } else {
            "item"
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self.cancelled {
            Some(code) => code,
            None if self.failures() > 0 => ErrorCode::PartialFailure,
            None => ErrorCode::Ok,
        }
    }

    /// Whether the summary reports a failure (stderr in human output).
    pub fn failed(&self) -> bool {
        self.code() != ErrorCode::Ok
    }

    /// `(2 invite, 1 set-roles)`, or nothing when no item names an action.
    fn counts(&self) -> String {
        let kinds: Vec<String> = Action::ALL
            .iter()
            .filter_map(|action| {
                let n = self
                    .items
                    .iter()
                    .filter(|item| item.is_change() && item.action == Some(*action))
                    .count();
                (n > 0).then(|| format!("{n} {}", action.name()))
            })
            .collect();
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        }
    }

    /// The one summary line of SPEC §13.4: counts of changes, the unchanged counted apart.
    pub fn summary(&self) -> String {
        let changes = self.items.iter().filter(|item| item.is_change()).count();
        let unchanged = self.items.len() - changes;
        let unchanged = if unchanged > 0 {
            format!(" {unchanged} unchanged.")
        } else {
            String::new()
        };
        let (done, failed) = (self.count(ItemStatus::Done), self.failures());
        if self.cancelled.is_some() {
            let failed = if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            };
            return format!(
                "Error: {done} of {changes} {} done{failed}, {} not started.{unchanged}",
                plural(changes, "change"),
                self.count(ItemStatus::NotStarted)
            );
        }
        if failed > 0 {
            let noun = plural(changes, "change");
            if self.dry_run {
                let planned = self.count(ItemStatus::Planned);
                return format!("Error: {failed} of {changes} {noun} would fail; {planned} planned; nothing was sent.{unchanged}");
            }
            let skipped = match self.count(ItemStatus::Skipped) {
                0 => String::new(),
                n => format!(", {n} skipped"),
            };
            let refused = self
                .items
                .iter()
                .filter(|item| matches!(item.result, ItemResult::NotStarted(Some(_))))
                .count();
            let (not_started, next) = match refused {
                // A rerun of a command without `finish_with` skips what is done; the others
                // are told how to finish in their hint.
                0 if self.finish_with.is_some() => (String::new(), ""),
                0 => (String::new(), " Run the same command again to finish."),
                n => (
                    format!(", {n} not started"),
                    " The API refused every request for 120 s; run the same command again later.",
                ),
            };
            return format!(
                "Error: {failed} of {changes} {noun} failed; {done} done{skipped}{not_started}.{unchanged}{next}"
            );
        }
        if self.dry_run {
            return format!(
                "Dry run: {changes} {} planned{}; nothing was sent.{unchanged}",
                plural(changes, "change"),
                self.counts()
            );
        }
        match &self.title {
            Some(title) => format!(
                "{title}: {changes} {} done{}.{unchanged}",
                plural(changes, "change"),
                self.counts()
            ),
            None => format!("{changes} {} done.{unchanged}", plural(changes, "change")),
        }
    }
}

/// What a command produced.
pub enum Outcome {
    /// Data: a table in human and CSV output, `{"code": "OK", "data": …}` in JSON.
    Value(Box<dyn ValueView>),
    /// The outcome of one change.
    Response(Response),
    /// The outcomes of a change over several items.
    Batch(Batch),
    /// A document printed as it is, whatever `-o` says (`user export`, `completions`, `man`), and
    /// the name of its format when the command chooses it with `--format` (`toml`, `csv`, `json`).
    Document(String, Option<&'static str>),
    /// Rows that each pass or fail, and a verdict over all of them (`access check`).
    Verdict(Verdict),
}

/// A check's result: rows with their own code each (`OK` below the threshold), a table of them,
/// the JSON `data`, and a summary that is the message (SPEC §1.16).
pub struct Verdict {
    /// `OK`, or the failure's code (its exit status is the command's).
    pub code: ErrorCode,
    pub summary: String,
    pub table: Table,
    /// The CSV columns after `code,message`, and each row with its own code.
    pub csv_columns: Vec<&'static str>,
    pub csv_rows: Vec<(ErrorCode, Vec<String>)>,
    pub data: Value,
}

impl Verdict {
    pub fn failed(&self) -> bool {
        self.code != ErrorCode::Ok
    }

    /// The message: the summary, with `Error: ` in front when the check failed.
    pub fn message(&self) -> String {
        if self.failed() {
            format!("Error: {}", self.summary)
        } else {
            self.summary.clone()
        }
    }
}

impl Outcome {
    pub fn value(view: impl ValueView + 'static) -> Self {
        Self::Value(Box::new(view))
    }

    /// SPEC §1.10: the notice for a document that `-o FORMAT` did not change (its own
    /// `--format` did not say FORMAT).
    pub fn document_notice(&self, output: Format) -> Option<String> {
        let Self::Document(_, Some(format)) = self else {
            return None;
        };
        let asked = match output {
            Format::Human => return None,
            Format::Json => "json",
            Format::Csv => "csv",
        };
        (asked != *format).then(|| {
            format!("Note: -o {asked} does not change the document, which is {}; for {asked}, use --format {asked}.", format.to_uppercase())
        })
    }

    /// The document as jaq's values, when the view makes it directly (see
    /// [`ValueView::jq_input`]).
    pub fn jq_input(&self) -> Option<jaq_json::Val> {
        match self {
            Self::Value(view) => view.jq_input(),
            _ => None,
        }
    }

    /// The token this outcome shows on purpose, if any; everything else stays masked.
    pub fn reveals(&self) -> Option<&str> {
        match self {
            Self::Value(view) => view.reveals(),
            Self::Response(response) => response.shown.as_deref(),
            _ => None,
        }
    }

    /// What to take back if stdout cannot be written (then a closed pipe is a failure too).
    pub fn undo_unwritten(&self) -> Option<&Undo> {
        match self {
            Self::Response(response) => response.undo_unwritten.as_ref(),
            _ => None,
        }
    }

    /// The outcome, once its view has what its format needs (see [`ValueView::check`]).
    pub fn checked(self, format: Format) -> Result<Self, CliError> {
        if let Self::Value(view) = &self {
            view.check(format)?;
        }
        Ok(self)
    }

    pub fn exit_status(&self) -> u8 {
        match self {
            Self::Batch(batch) if batch.planned_a_change() => crate::error::EXIT_CHANGES_PLANNED,
            Self::Batch(batch) => batch.code().exit_status(),
            Self::Response(response) if response.planned_a_change() => {
                crate::error::EXIT_CHANGES_PLANNED
            }
            Self::Verdict(verdict) => verdict.code.exit_status(),
            Self::Response(response) => response.code().exit_status(),
            _ => 0,
        }
    }

    /// The same outcome, marked as stopped by a signal (a batch keeps its items).
    pub fn cancelled(self, code: ErrorCode) -> Result<Self, CliError> {
        match self {
            Self::Batch(mut batch) => {
                batch.cancelled = Some(code);
                Ok(Self::Batch(batch))
            }
            // A change that keeps going on a signal reports how it ended itself.
            Self::Response(response) if response.failure.is_some() => Ok(Self::Response(response)),
            _ => Err(CliError::new(code, "Interrupted; nothing more was sent.")),
        }
    }
}

/// How to print: the format and what the terminal allows.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    /// The terminal's width for human tables; `None` (not a terminal) keeps the original layout.
    pub width: Option<usize>,
}

/// Text for the two streams.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

pub fn render(outcome: &Outcome, line: &CommandLine, style: Style) -> Rendered {
    match style.format {
        Format::Human => human::outcome(outcome, line, style),
        Format::Json => Rendered {
            stdout: json::outcome(outcome, line, style),
            stderr: String::new(),
        },
        Format::Csv => Rendered {
            stdout: csv::outcome(outcome, style),
            stderr: String::new(),
        },
    }
}

pub fn render_error(error: &CliError, line: &CommandLine, style: Style) -> Rendered {
    if error.code == ErrorCode::Usage {
        return Rendered {
            stdout: String::new(),
            stderr: human::usage_error(error),
        };
    }
    let hints = line.hints(&error.suggestions);
    match style.format {
        Format::Human => Rendered {
            stdout: String::new(),
            stderr: human::error(error, &hints, style),
        },
        Format::Json => Rendered {
            stdout: json::error(error, &hints),
            stderr: String::new(),
        },
        Format::Csv => Rendered {
            stdout: csv::error(error),
            stderr: String::new(),
        },
    }
}

/// The message of an item that a signal kept from starting.
/// (Every message whose code is not `OK` starts with `Error: `.)
const NOT_STARTED: &str = "Error: Not started: the command was interrupted.";

fn next_steps(hints: &[Hint]) -> Option<&[Hint]> {
    (!hints.is_empty()).then_some(hints)
}

#[cfg(test)]
mod tests {
    use super::views::{Deleted, RolesView};
    use super::*;
    use crate::fixtures::role;

    fn style(format: Format) -> Style {
        Style {
            format,
            color: false,
            quiet: false,
            width: None,
        }
    }

    fn render_as(outcome: &Outcome, format: Format) -> String {
        let rendered = render(outcome, &CommandLine::default(), style(format));
        assert_eq!(rendered.stderr, "", "machine formats write stdout only");
        rendered.stdout
    }

    fn deleted(user: &str) -> Response {
        Response::new(
            format!("User '{user}' has been deleted."),
            Deleted { was_deleted: true },
        )
        .suggest(Hint::new("See all existing users:", "astra user list"))
    }

    fn mixed_batch() -> Outcome {
        let item = BatchItem::new;
        Outcome::Batch(Batch::new(
            ItemKind::User,
            vec![
                item("a@x.io", ItemResult::Done(deleted("a@x.io"))),
                item(
                    "b@x.io",
                    ItemResult::Failed(
                        CliError::new(ErrorCode::UserNotFound, "User 'b@x.io' not found.")
                            .detail("Use 'astra user list'."),
                    ),
                ),
                item("c@x.io", ItemResult::NotStarted(None)),
            ],
            Deleted::csv_names(),
        ))
    }

    #[test]
    fn a_batch_in_json_lists_every_item_with_its_status_code_and_data() {
        let json: Value = serde_json::from_str(&render_as(&mixed_batch(), Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "PARTIAL_FAILURE",
                "message": "Error: 1 of 3 changes failed; 1 done. Run the same command again to finish.",
                "data": [
                    {"user": "a@x.io", "status": "done", "code": "OK",
                     "message": "User 'a@x.io' has been deleted.", "wasDeleted": true},
                    {"user": "b@x.io", "status": "failed", "code": "USER_NOT_FOUND",
                     "message": "Error: User 'b@x.io' not found.\n\nUse 'astra user list'."},
                    {"user": "c@x.io", "status": "not started", "code": "EXECUTION_CANCELLED",
                     "message": "Error: Not started: the command was interrupted."}
                ],
                "nextSteps": null
            })
        );
    }

    #[test]
    fn a_batch_in_csv_blanks_the_data_of_items_that_did_not_happen() {
        assert_eq!(
            render_as(&mixed_batch(), Format::Csv),
            "code,message,user,status,was_deleted\n\
             OK,User 'a@x.io' has been deleted.,a@x.io,done,true\n\
             USER_NOT_FOUND,Error: User 'b@x.io' not found. Use 'astra user list'.,b@x.io,failed,\n\
             EXECUTION_CANCELLED,Error: Not started: the command was interrupted.,c@x.io,not started,\n"
        );
    }

    fn batch_of(items: Vec<BatchItem>) -> Batch {
        Batch::new(ItemKind::User, items, Deleted::csv_names())
    }

    fn change(label: &str, action: Action, result: ItemResult) -> BatchItem {
        let mut item = BatchItem::new(label, result);
        item.action = Some(action);
        item
    }

    #[test]
    fn the_summary_counts_changes_by_action_and_the_unchanged_apart() {
        let done = |l: &str| ItemResult::Done(deleted(l));
        let mut batch = batch_of(vec![
            change("d", Action::Delete, done("d")),
            change("a", Action::Invite, done("a")),
            change("b", Action::Invite, done("b")),
            change("c", Action::SetRoles, done("c")),
            change("e", Action::Reinvite, done("e")),
            BatchItem::new("f", ItemResult::Done(deleted("f").unchanged())),
        ]);
        assert_eq!(batch.summary(), "5 changes done. 1 unchanged.");
        batch.title = Some("Applied 'team.toml'".into());
        assert_eq!(
            batch.summary(),
            "Applied 'team.toml': 5 changes done (2 invite, 1 reinvite, 1 set-roles, 1 delete). 1 unchanged."
        );
        let mut planned = batch_of(vec![change(
            "a",
            Action::Delete,
            ItemResult::Done(deleted("a").planned()),
        )]);
        planned.dry_run = true;
        assert_eq!(
            planned.summary(),
            "Dry run: 1 change planned (1 delete); nothing was sent."
        );
        assert_eq!(planned.items[0].result.status(), ItemStatus::Planned);
        planned.items.push(BatchItem::new(
            "b",
            ItemResult::Failed(CliError::new(ErrorCode::UserNotFound, "no")),
        ));
        assert_eq!(
            planned.summary(),
            "Error: 1 of 2 changes would fail; 1 planned; nothing was sent."
        );
        planned.items.pop();
        assert_eq!(planned.code(), ErrorCode::Ok);
        let none = batch_of(vec![BatchItem::new(
            "f",
            ItemResult::Done(deleted("f").unchanged()),
        )]);
        assert_eq!(none.summary(), "0 changes done. 1 unchanged.");
        let failed = batch_of(vec![
            change(
                "a",
                Action::Invite,
                ItemResult::Failed(CliError::new(ErrorCode::ServerError, "x")),
            ),
            BatchItem::new("f", ItemResult::Done(deleted("f").unchanged())),
        ]);
        assert_eq!(
            failed.summary(),
            "Error: 1 of 1 change failed; 0 done. 1 unchanged. Run the same command again to finish."
        );
    }

    #[test]
    fn a_failed_or_unstarted_item_keeps_what_its_plan_said() {
        let mut item = BatchItem::new("a@x.io", ItemResult::NotStarted(None));
        item.planned = Some(Box::new(views::Applied {
            action: "invite",
            roles: vec!["RO User".into()].into(),
        }));
        let mut batch = batch_of(vec![item]);
        batch.columns = views::Applied::csv_names();
        batch.cancelled = Some(ErrorCode::Terminated);
        let outcome = Outcome::Batch(batch);
        assert_eq!(
            render_as(&outcome, Format::Csv),
            "code,message,user,status,action,roles\n\
             EXECUTION_CANCELLED,Error: Not started: the command was interrupted.,a@x.io,not started,invite,RO User\n"
        );
        let json: Value = serde_json::from_str(&render_as(&outcome, Format::Json)).unwrap();
        assert_eq!(json["message"], "Error: 0 of 1 change done, 1 not started.");
        assert_eq!(json["data"][0]["action"], "invite");
        assert_eq!(json["data"][0]["roles"], serde_json::json!(["RO User"]));
    }

    #[test]
    fn a_response_has_all_four_keys_and_its_hints_as_next_steps() {
        let outcome = Outcome::Response(deleted("a@x.io"));
        let json: Value = serde_json::from_str(&render_as(&outcome, Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "OK",
                "message": "User 'a@x.io' has been deleted.",
                "data": {"wasDeleted": true},
                "nextSteps": [{"comment": "See all existing users:", "command": "astra user list"}]
            })
        );
        assert_eq!(
            render_as(&outcome, Format::Csv),
            "code,message,was_deleted\nOK,User 'a@x.io' has been deleted.,true\n"
        );
        let bare = Outcome::Response(Response::new("Done.", Deleted { was_deleted: false }));
        let json: Value = serde_json::from_str(&render_as(&bare, Format::Json)).unwrap();
        assert_eq!(json["nextSteps"], Value::Null, "no hints: null, not []");
    }

    #[test]
    fn values_are_enveloped_in_json_and_rows_in_csv() {
        let outcome = Outcome::value(RolesView {
            roles: vec![role("r1", "RO User"), role("r2", "R/W, \"Admin\"")],
        });
        let json: Value = serde_json::from_str(&render_as(&outcome, Format::Json)).unwrap();
        assert_eq!(json["code"], "OK");
        assert_eq!(
            json["data"][1],
            serde_json::json!({"ID": "r2", "Name": "R/W, \"Admin\""})
        );
        assert_eq!(
            render_as(&outcome, Format::Csv),
            "code,message,role_id,role_name\nOK,,r1,RO User\nOK,,r2,\"R/W, \"\"Admin\"\"\"\n"
        );
        let document = Outcome::Document("email,roles\n".into(), Some("csv"));
        for format in [Format::Human, Format::Json, Format::Csv] {
            assert_eq!(
                render(&document, &CommandLine::default(), style(format)).stdout,
                "email,roles\n"
            );
        }
        assert_eq!(
            document.document_notice(Format::Csv),
            None,
            "--format csv said it"
        );
        assert_eq!(document.document_notice(Format::Human), None);
        assert_eq!(
            document.document_notice(Format::Json).as_deref(),
            Some("Note: -o json does not change the document, which is CSV; for json, use --format json.")
        );
        let script = Outcome::Document("complete".into(), None);
        assert_eq!(
            script.document_notice(Format::Json),
            None,
            "no --format to point at"
        );
    }

    #[test]
    fn errors_carry_their_code_message_and_hints_in_each_format() {
        let err = CliError::new(ErrorCode::RoleNotFound, "Role 'x' not found.")
            .detail("Use 'astra role list'.")
            .hint("See all roles:", "astra role list");
        let line = CommandLine::default();
        let json: Value =
            serde_json::from_str(&render_error(&err, &line, style(Format::Json)).stdout).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "ROLE_NOT_FOUND",
                "message": "Error: Role 'x' not found.\n\nUse 'astra role list'.",
                "data": null,
                "nextSteps": [{"comment": "See all roles:", "command": "astra role list"}]
            })
        );
        assert_eq!(
            render_error(&err, &line, style(Format::Csv)).stdout,
            "code,message\nROLE_NOT_FOUND,Error: Role 'x' not found. Use 'astra role list'.\n",
            "one line in CSV; JSON keeps the blank line"
        );
        let human = render_error(&err, &line, style(Format::Human));
        assert_eq!(human.stdout, "");
        assert!(human.stderr.starts_with("Error: Role 'x' not found."));
        let usage = render_error(&CliError::usage("bad"), &line, style(Format::Json));
        assert_eq!(
            usage,
            Rendered {
                stdout: String::new(),
                stderr: "error: bad\n\nFor more information, try '--help'.\n".into()
            },
            "usage errors look like clap's in every format"
        );
    }

    #[test]
    fn a_batch_decides_the_exit_status_and_a_signal_marks_it_or_ends_the_command() {
        assert_eq!(
            mixed_batch().exit_status(),
            10,
            "a failed item: partial failure"
        );
        assert_eq!(Outcome::Response(deleted("a")).exit_status(), 0);
        let all_done = Outcome::Batch(Batch::new(
            ItemKind::User,
            vec![BatchItem::new("a", ItemResult::Done(deleted("a")))],
            Deleted::csv_names(),
        ));
        assert_eq!(all_done.exit_status(), 0);
        let stopped = mixed_batch().cancelled(ErrorCode::Terminated).ok().unwrap();
        assert_eq!(stopped.exit_status(), 143);
        let Outcome::Batch(batch) = &stopped else {
            panic!("a batch stays a batch");
        };
        assert_eq!(batch.items.len(), 3);
        assert_eq!(
            batch.summary(),
            "Error: 1 of 3 changes done, 1 failed, 1 not started."
        );
        let err = Outcome::Response(deleted("a"))
            .cancelled(ErrorCode::ExecutionCancelled)
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::ExecutionCancelled);
        assert_eq!(err.headline, "Interrupted; nothing more was sent.");
    }

    fn verdict(failed: bool, rows: usize) -> Verdict {
        let mut table = Table::new(&["Level", "Rule"]);
        let code = if failed {
            ErrorCode::CheckFailed
        } else {
            ErrorCode::Ok
        };
        let mut csv_rows = Vec::new();
        for _ in 0..rows {
            table.row(vec![vec!["warning".into()], vec!["token-age".into()]]);
            csv_rows.push((code, vec!["warning".into(), "token-age".into()]));
        }
        Verdict {
            code,
            summary: "0 errors, 1 warning, 0 info.".into(),
            table,
            csv_columns: vec!["level", "rule"],
            csv_rows,
            data: serde_json::json!({"findings": []}),
        }
    }

    #[test]
    fn a_verdict_passes_on_stdout_and_fails_on_stderr_in_every_format() {
        let line = CommandLine::default();
        let failed = Outcome::Verdict(verdict(true, 1));
        assert_eq!(failed.exit_status(), 12);
        let human = render(&failed, &line, style(Format::Human));
        assert!(human.stdout.contains("token-age"), "{}", human.stdout);
        assert_eq!(human.stderr, "Error: 0 errors, 1 warning, 0 info.\n");
        let json: Value =
            serde_json::from_str(&render(&failed, &line, style(Format::Json)).stdout).unwrap();
        assert_eq!(json["code"], "CHECK_FAILED");
        assert_eq!(json["message"], "Error: 0 errors, 1 warning, 0 info.");
        assert_eq!(
            render(&failed, &line, style(Format::Csv)).stdout,
            "code,message,level,rule\nCHECK_FAILED,,warning,token-age\n"
        );
        let passed = Outcome::Verdict(verdict(false, 0));
        assert_eq!(passed.exit_status(), 0);
        let human = render(&passed, &line, style(Format::Human));
        assert_eq!(
            human.stdout, "0 errors, 1 warning, 0 info.\n",
            "no table without rows"
        );
        assert_eq!(human.stderr, "");
        let json: Value =
            serde_json::from_str(&render(&passed, &line, style(Format::Json)).stdout).unwrap();
        assert_eq!(
            (json["code"].as_str(), json["message"].as_str()),
            (Some("OK"), Some("0 errors, 1 warning, 0 info."))
        );
    }

    #[test]
    fn a_response_that_failed_after_its_change_keeps_its_data_and_its_code() {
        let line = CommandLine::default();
        let mut failed = Response::new("Token a rotated.", Deleted { was_deleted: false })
            .failed_with(ErrorCode::PartialFailure, "it could not be deleted.");
        failed.shown = Some("AstraCS:x".into());
        let outcome = Outcome::Response(failed);
        assert_eq!(outcome.exit_status(), 10);
        assert_eq!(outcome.reveals(), Some("AstraCS:x"));
        let human = render(&outcome, &line, style(Format::Human));
        assert_eq!(human.stdout, "Token a rotated.\nAstraCS:x\n");
        assert_eq!(human.stderr, "Error: it could not be deleted.\n");
        let json: Value =
            serde_json::from_str(&render(&outcome, &line, style(Format::Json)).stdout).unwrap();
        assert_eq!(json["code"], "PARTIAL_FAILURE");
        assert_eq!(json["message"], "Error: it could not be deleted.");
        let kept = outcome
            .cancelled(ErrorCode::ExecutionCancelled)
            .ok()
            .unwrap();
        assert_eq!(
            kept.exit_status(),
            10,
            "a response that reports its own end is kept"
        );
        let plain = Outcome::Response(Response::new("done", Deleted { was_deleted: true }));
        assert_eq!(plain.exit_status(), 0);
        assert!(plain.reveals().is_none());
        assert!(plain.cancelled(ErrorCode::Terminated).is_err());
        assert!(
            Outcome::Response(Response::new("x", Deleted { was_deleted: true }))
                .jq_input()
                .is_none()
        );
    }
}
