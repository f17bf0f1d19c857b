//! `astra user list [--status S] [--role ROLE] [--email GLOB]`: every user in API order, filtered
//! client-side (one round trip; two with `--role NAME`, users ∥ roles).

use crate::api::models::ListedRole;
use crate::api::models::ListedUser;
use crate::api::ApiError;
use crate::api::Listing;
use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::resolve_roles;
use crate::output::columns::{self, one, Column};
use crate::output::views::RoleJson;
use crate::output::Outcome;
use crate::output::{json, table_text, write_csv_items, CsvTable, Format, Style, Table, ValueView};
use crate::refs::parse_role_ref;
use crate::refs::RoleRef;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFilter {
    Active,
    Invited,
}

/// List every user of the organization
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# List all users\n$ astra user list\n# List all users as JSON\n$ astra user list -o json"
)]
pub struct UserListArgs {
    /// Only users with this status
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<StatusFilter>,
    /// Only users holding this role (name or id)
    #[arg(long, value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub role: Option<RoleRef>,
    /// Only users whose email matches GLOB (case-insensitive, * is a wildcard)
    #[arg(long, value_name = "GLOB")]
    pub email: Option<String>,
}

pub async fn run(context: &Context, args: &UserListArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    context.ui.step("Loading users…");
    let (mut listing, role_id) = match &args.role {
        None => (client.user_listing().await?, None),
        Some(RoleRef::Id { id, .. }) => (client.user_listing().await?, Some(id.clone())),
        Some(role) => {
            let (listing, roles) = tokio::try_join!(client.user_listing(), client.list_roles())?;
            let found = resolve_roles(&roles, std::slice::from_ref(role))?;
            (listing, found.first().map(|r| r.id.clone()))
        }
    };
    let email = args.email.as_deref().map(str::to_lowercase);
    // With --role every user's roles are read, once: the first one the API described wrongly
    // is BAD_RESPONSE, whatever the other filters keep.
    let mut unreadable = None;
    listing.with_dependent_mut(|_, listing| {
        listing.users.retain(|user| {
            role_id
                .as_deref()
                .is_none_or(|id| holds(user, id, &mut unreadable))
                && args.status.is_none_or(|status| has_status(user, status))
                && email
                    .as_deref()
                    .is_none_or(|glob| glob_match(glob, &user.email().to_lowercase()))
        });
    });
    match unreadable {
        Some(err) => Err(ApiError::listing(&err).into()),
        None => Ok(Outcome::value(UsersView { listing })),
    }
}

/// Whether the user holds the role with this id; roles that do not parse are kept in
/// `unreadable` (the first of them) and hold nothing.
fn holds(user: &ListedUser, id: &str, unreadable: &mut Option<serde_json::Error>) -> bool {
    match user.roles() {
        Ok(roles) => roles.iter().any(|role| role.id.eq_ignore_ascii_case(id)),
        Err(err) => {
            unreadable.get_or_insert(err);
            false
        }
    }
}

fn has_status(user: &ListedUser, status: StatusFilter) -> bool {
    matches!(
        (user.status.as_deref(), status),
        (Some("active"), StatusFilter::Active) | (Some("invited"), StatusFilter::Invited)
    )
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(glob: &str, text: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return glob == text;
    };
    if !text.starts_with(first) {
        return false;
    }
    let mut rest = &text[first.len()..];
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// `user list`: every user, written straight from the body it was read from (no view or table
/// per user), in the original's bytes.
pub struct UsersView {
    pub listing: Listing,
}

impl UsersView {
    fn users(&self) -> &[ListedUser<'_>] {
        &self.listing.borrow_dependent().users
    }

    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        json::write_value_envelope(out, &ListedUsersJson(self.users()))
    }

    fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        write_csv_items(out, &user_columns(), self.users().iter())
    }
}

impl UsersView {
    /// The JSON document as jaq's values, for `--jq`, built from the listing without writing
    /// and re-reading 100,000 users' text: keys are made once, and users with the same roles
    /// (their raw JSON alike) share one array. Its shape is the JSON output's (a test holds them
    /// equal).
    fn jq_document(&self) -> Result<jaq_json::Val, serde_json::Error> {
        use jaq_json::Val;
        let text = |value: &str| Val::utf8_str(value.to_owned());
        let [user_id, email, status, roles] = ["UserID", "Email", "Status", "Roles"].map(text);
        let mut shared: std::collections::HashMap<&str, Val> = std::collections::HashMap::new();
        let mut users = Vec::with_capacity(self.users().len());
        for user in self.users() {
            let mut object = jaq_json::Map::default();
            object.insert(user_id.clone(), text(&user.id));
            if let Some(value) = &user.email {
                object.insert(email.clone(), text(value));
            }
            if let Some(value) = &user.status {
                object.insert(status.clone(), text(value));
            }
            if let Some(raw) = user.roles {
                let held = match shared.get(raw.get()) {
                    Some(held) => held.clone(),
                    None => {
                        let json = serde_json::to_string(&RolesJson(&user.roles()?))?;
                        let held: Val = serde_json::from_str(&json)?;
                        shared.insert(raw.get(), held.clone());
                        held
                    }
                };
                object.insert(roles.clone(), held);
            }
            users.push(Val::obj(object));
        }
        let mut envelope = jaq_json::Map::default();
        envelope.insert(text("code"), text("OK"));
        envelope.insert(text("data"), Val::Arr(std::rc::Rc::new(users)));
        Ok(Val::obj(envelope))
    }
}

impl ValueView for UsersView {
    fn jq_input(&self) -> Option<jaq_json::Val> {
        self.jq_document().ok()
    }

    fn json(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    fn table(&self) -> Table {
        columns::table(&user_columns(), self.users())
    }

    fn csv(&self) -> CsvTable {
        columns::csv(&user_columns(), self.users())
    }

    /// The JSON shows each user's roles: each is read once here, before anything is written.
    fn check(&self, format: Format) -> Result<(), CliError> {
        if format == Format::Json {
            self.listing.check_roles()?;
        }
        Ok(())
    }

    fn write(&self, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
        match (style.format, style.width) {
            (Format::Json, _) => self.write_json(out),
            (Format::Csv, _) => self.write_csv(out),
            (Format::Human, None) => columns::write_plain(out, &user_columns(), self.users()),
            // A terminal's width: the table is fitted to it (a person reads it, not 100,000 rows).
            (Format::Human, Some(width)) => {
                out.write_all(table_text(&self.table(), Some(width)).as_bytes())
            }
        }
    }
}

/// `user list`'s columns (a listing borrows from its body, hence a function and not a const).
fn user_columns<'l>() -> [Column<ListedUser<'l>>; 3] {
    [
        Column::both("User Id", "user_id", |u| one(&*u.id)),
        Column::both("User Email", "user_email", |u| one(u.email())),
        Column::both("Status", "status", |u| one(u.status())),
    ]
}

/// The users of a listing as the original's JSON array, each user's roles read as it is written.
struct ListedUsersJson<'v, 'a>(&'v [ListedUser<'a>]);

impl Serialize for ListedUsersJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ListedUserJson))
    }
}

struct ListedUserJson<'v, 'a>(&'v ListedUser<'a>);

/// A user's roles as the original's JSON array, written from the parsed roles in place.
struct RolesJson<'v, 'a>(&'v [ListedRole<'a>]);

impl Serialize for RolesJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(RoleJson::from))
    }
}

impl Serialize for ListedUserJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeStruct};
        let user = self.0;
        let mut out = serializer.serialize_struct("User", 4)?;
        out.serialize_field("UserID", &*user.id)?;
        if let Some(email) = &user.email {
            out.serialize_field("Email", &**email)?;
        }
        if let Some(status) = &user.status {
            out.serialize_field("Status", &**status)?;
        }
        if user.roles.is_some() {
            let roles = user.roles().map_err(S::Error::custom)?;
            out.serialize_field("Roles", &RolesJson(&roles))?;
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::listing;
    use crate::fixtures::table_rows as rows;
    use crate::output::{CsvTable, Format, Style, Table, ValueView};

    /// One active user with two roles (in the live API's spelling, one name escaped), and one
    /// the API sent with nothing but an id.
    fn users() -> UsersView {
        UsersView {
            listing: listing(
                r#"{"OrgID": "o", "Users": [
                    {"UserID": "u1", "Email": "a@x.io", "Status": "active", "Roles": [
                        {"id": "r1", "name": "RO User"}, {"ID": "r2", "Name": "R\/W User"}]},
                    {"UserID": "u2", "Email": null, "Roles": null}]}"#,
            ),
        }
    }

    #[test]
    fn streamed_users_are_the_same_bytes_as_the_whole_text_in_every_format() {
        let view = users();
        let written = |format, width| {
            let style = Style {
                format,
                color: false,
                quiet: false,
                width,
            };
            let mut out = Vec::new();
            view.write(style, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            written(Format::Csv, None),
            "code,message,user_id,user_email,status\nOK,,u1,a@x.io,active\nOK,,u2,,\n"
        );
        for (format, width) in [
            (Format::Json, None),
            (Format::Csv, None),
            (Format::Human, None),
            (Format::Human, Some(30)),
        ] {
            let style = Style {
                format,
                color: false,
                quiet: false,
                width,
            };
            assert_eq!(
                written(format, width),
                crate::output::whole_value(&view, style)
            );
        }
        assert!(view.check(Format::Json).is_ok());
    }

    #[test]
    fn a_role_without_an_id_is_found_before_json_is_written_and_ignored_elsewhere() {
        let view = UsersView {
            listing: listing(r#"{"Users": [{"UserID": "u1", "Roles": [{"name": "x"}]}]}"#),
        };
        let err = view.check(Format::Json).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::BadResponse);
        assert!(
            err.message().contains("missing field `id`"),
            "{}",
            err.message()
        );
        assert!(view.check(Format::Csv).is_ok());
        assert!(view.check(Format::Human).is_ok());
    }

    #[test]
    fn users_keep_the_originals_keys_in_order_and_omit_what_is_absent() {
        let view = users();
        assert_eq!(
            view.json(),
            r#"{
  "code": "OK",
  "data": [
    {
      "UserID": "u1",
      "Email": "a@x.io",
      "Status": "active",
      "Roles": [
        {
          "ID": "r1",
          "Name": "RO User"
        },
        {
          "ID": "r2",
          "Name": "R/W User"
        }
      ]
    },
    {
      "UserID": "u2"
    }
  ]
}
"#
        );
        assert_eq!(view.table().columns, ["User Id", "User Email", "Status"]);
        assert_eq!(
            rows(&view.table()),
            [["u1", "a@x.io", "active"], ["u2", "", ""]]
        );
        let csv = view.csv();
        assert_eq!(csv.columns, ["user_id", "user_email", "status"]);
        assert_eq!(csv.rows, [["u1", "a@x.io", "active"], ["u2", "", ""]]);
    }

    #[test]
    fn the_jq_document_of_users_is_their_json_output() {
        assert!(super::super::Outcome::value(users()).jq_input().is_some());
        let view = users();
        let from_text: jaq_json::Val = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(view.jq_input().unwrap(), from_text);
    }

    #[test]
    fn the_column_list_draws_the_headers_of_the_snapshots() {
        let headers = |table: Table| table.columns;
        let names = |csv: CsvTable| csv.columns;
        let users: &[ListedUser] = &[];
        assert_eq!(
            headers(columns::table(&user_columns(), users)),
            ["User Id", "User Email", "Status"]
        );
        assert_eq!(
            names(columns::csv(&user_columns(), users)),
            ["user_id", "user_email", "status"]
        );
    }

    use super::glob_match;

    #[test]
    fn globs_match_with_stars_anywhere() {
        assert!(glob_match("*@example.com", "a@example.com"));
        assert!(glob_match("a*", "a@x.io"));
        assert!(glob_match("*x*", "a@x.io"));
        assert!(glob_match("a@x.io", "a@x.io"));
        assert!(!glob_match("a@x.io", "a@x.iox"));
        assert!(!glob_match("*@example.com", "a@example.org"));
        assert!(glob_match("a*a", "aa"));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(glob_match("*", ""));
        // Each middle part is looked for after the one before it, never over it again.
        assert!(!glob_match("*ab*ab*", "ab"));
        assert!(glob_match("*ab*ab*", "xxabyyab"));
        assert!(!glob_match("*abc*c", "abc"));
    }
}
