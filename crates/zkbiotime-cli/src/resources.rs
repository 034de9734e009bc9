//! `zkbio <resource> <list|get|create|update|delete|upsert|ACTION>`: each a direct call of
//! the core's resource accessor; this file only picks the accessor and the output model.

use anyhow::Result;
use clap::ArgMatches;
use futures::{Stream, StreamExt};
use serde::Serialize;
use zkbiotime::Client;

use crate::cli::{
    BodyArgs, DeleteAction, ListAction, ListArgs, ReadAction, UpsertAction, WriteAction,
};
pub use crate::generated_resources::Resource;

use crate::output::Output;

/// One operation on a resource.
pub enum Op {
    List(ListArgs),
    Get(i64),
    Create(BodyArgs),
    Update(i64, BodyArgs),
    Delete(i64),
    Upsert(BodyArgs),
    /// An `x-action` of the spec (`reinstate`), by its subcommand name, with its body and
    /// whether to ask first (`x-destructive`).
    Action(&'static str, BodyArgs, Confirm),
}

/// Whether an action asks before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Not destructive: sent at once.
    NotNeeded,
    /// Destructive, without `--yes`: asked on a terminal, refused elsewhere.
    Ask,
    /// Destructive, with `--yes`.
    Given,
}

impl Confirm {
    /// A destructive action's confirmation from its `--yes` flag.
    pub fn asked(yes: bool) -> Self {
        if yes { Confirm::Given } else { Confirm::Ask }
    }
}

/// list of any resource (`read!` hands it on; a list-only resource, such as a report, has
/// only this).
macro_rules! list {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        let api = $ctx.client.$accessor();
        let record = model($ctx.resource.record_model());
        match $op {
            Op::List(args) => {
                let filter: $filter = filter_from(
                    $ctx.leaf,
                    model($ctx.resource.filter_model()),
                    $ctx.client.server_zone(),
                )?;
                write_list(api.list(filter), record, args.limit, $ctx.output).await
            }
            _ => unreachable!("clap offers only list on a list-only resource"),
        }
    }};
}

/// list and get of any resource with a detail path (`write!` and `upsert!` hand these on).
macro_rules! read {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        match $op {
            Op::Get(id) => {
                let record = model($ctx.resource.record_model());
                $ctx.output.print_one(&$ctx.client.$accessor().get(id).await?, record)
            }
            op => list!($ctx, $accessor, $filter, op),
        }
    }};
}

/// delete, then list and get (a resource that can be deleted but not written).
macro_rules! delete {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        match $op {
            Op::Delete(id) => {
                $ctx.client.$accessor().delete(id).await?;
                eprintln!("deleted {} {id}", $ctx.resource.singular());
                Ok(())
            }
            op => read!($ctx, $accessor, $filter, op),
        }
    }};
}

/// create, update and delete, then list and get.
macro_rules! write {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        let api = $ctx.client.$accessor();
        let (create, update) = $ctx.resource.body_models().expect("writable");
        let written = model($ctx.resource.written_model());
        match $op {
            Op::Create(b) => {
                let body = body_from($ctx.leaf, model(create), b.data.as_deref(), &b.set)?;
                $ctx.output.print_one(&api.create(body).await?, written)
            }
            Op::Update(id, b) => {
                let body = body_from($ctx.leaf, model(update), b.data.as_deref(), &b.set)?;
                $ctx.output.print_one(&api.update(id, body).await?, written)
            }
            Op::Delete(id) => {
                api.delete(id).await?;
                eprintln!("deleted {} {id}", $ctx.resource.singular());
                Ok(())
            }
            op => read!($ctx, $accessor, $filter, op),
        }
    }};
}

/// upsert, then every operation of `write!`.
macro_rules! upsert {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        match $op {
            Op::Upsert(b) => {
                let api = $ctx.client.$accessor();
                let (create, _) = $ctx.resource.body_models().expect("writable");
                let written = model($ctx.resource.written_model());
                let body = body_from($ctx.leaf, model(create), b.data.as_deref(), &b.set)?;
                let done = api.upsert(body).await?;
                let verb = if done.was_created() { "created" } else { "updated" };
                eprintln!("{verb} {}", $ctx.resource.singular());
                $ctx.output.print_one(&done.into_inner(), written)
            }
            op => write!($ctx, $accessor, $filter, op),
        }
    }};
}

/// An `x-action`: the body from flags (the action's body model, from the generated table)
/// like create, the question of a destructive one, a POST through the core's method of the
/// same name, the answer printed.
macro_rules! action {
    ($ctx:ident, $accessor:ident, $method:ident, $name:literal, $body:expr, $confirm:expr) => {{
        let body = crate::resources::action_body(&$ctx, $name, &$body)?;
        crate::resources::confirm(&$ctx, $name, &body, $confirm)?;
        let answer = $ctx.client.$accessor().$method(body).await?;
        crate::resources::action_done(&$ctx, $name, answer)
    }};
}

// Invoked per resource by the generated dispatch (`generated_resources.rs`).
pub(crate) use {action, delete, list, read, upsert, write};

/// The body of the action `name` of `ctx.resource`, from `--data`, its field flags and
/// `--set`, checked by the core's body type.
pub(crate) fn action_body<B: zkbiotime::input::Body>(
    ctx: &Ctx<'_>,
    name: &str,
    args: &BodyArgs,
) -> Result<B> {
    let (_, body, _) = ctx
        .resource
        .actions()
        .iter()
        .find(|(action, _, _)| *action == name)
        .expect("the generated dispatch names only actions of the table");
    crate::fields::body_from(ctx.leaf, crate::fields::model(body), args.data.as_deref(), &args.set)
}

/// Asks before a destructive action (`confirm` is `Ask`): "… ? [y/N]" on stderr, the
/// answer read from stdin. Without a terminal on stdin, refuses (a usage error: `--yes`
/// says yes in scripts); any answer but y / yes cancels (exit code 1, nothing sent).
pub(crate) fn confirm<B: Serialize>(
    ctx: &Ctx<'_>,
    name: &str,
    body: &B,
    confirm: Confirm,
) -> Result<()> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    if confirm != Confirm::Ask {
        return Ok(());
    }
    let what = format!("{} {name}", ctx.resource.command());
    if !std::io::stdin().is_terminal() {
        return Err(crate::exit::Usage(format!(
            "`zkbio {what}` is destructive and stdin is not a terminal to ask on: \
             pass --yes to do it"
        ))
        .into());
    }
    let body = serde_json::to_string(body)?;
    let mut err = std::io::stderr().lock();
    std::write!(err, "{what} {body}: destructive, go ahead? [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => anyhow::bail!("{what} cancelled: nothing was sent"),
    }
}

/// Prints an action's answer as pretty JSON (nothing when it is null or empty; secrets as
/// `***`, as `zkbio request` does), and a confirmation on stderr.
pub(crate) fn action_done(ctx: &Ctx<'_>, name: &str, mut answer: serde_json::Value) -> Result<()> {
    use serde_json::Value;
    use std::io::Write as _;
    let empty = match &answer {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if !empty {
        crate::raw::redact_secret_keys(&mut answer);
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?;
        out.flush()?;
    }
    eprintln!("{name} {}: done", ctx.resource.command());
    Ok(())
}

/// Runs `op`; `leaf` holds the matches of the leaf subcommand (its spec-derived flags).
pub async fn run(
    client: &Client,
    resource: Resource,
    op: Op,
    leaf: &ArgMatches,
    output: &Output,
) -> Result<()> {
    crate::generated_resources::dispatch(Ctx { client, resource, leaf, output }, op).await
}

/// What an operation runs with.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub resource: Resource,
    pub leaf: &'a ArgMatches,
    pub output: &'a Output,
}

/// Writes the records as the stream yields them.
pub(crate) async fn write_list<T: Serialize + 'static>(
    items: impl Stream<Item = zkbiotime::Result<T>>,
    record: &'static crate::fields::ModelSpec,
    limit: Option<usize>,
    output: &Output,
) -> Result<()> {
    let mut sink = output.list_sink(record);
    let items = items.take(limit.unwrap_or(usize::MAX));
    futures::pin_mut!(items);
    while let Some(item) = items.next().await {
        sink.record(&item?)?;
    }
    sink.finish()
}

impl From<DeleteAction> for Op {
    fn from(action: DeleteAction) -> Self {
        match action {
            DeleteAction::List(a) => Op::List(a),
            DeleteAction::Get(a) => Op::Get(a.id),
            DeleteAction::Delete(a) => Op::Delete(a.id),
        }
    }
}

impl From<ListAction> for Op {
    fn from(action: ListAction) -> Self {
        match action {
            ListAction::List(a) => Op::List(a),
        }
    }
}

impl From<ReadAction> for Op {
    fn from(action: ReadAction) -> Self {
        match action {
            ReadAction::List(a) => Op::List(a),
            ReadAction::Get(a) => Op::Get(a.id),
        }
    }
}

impl From<WriteAction> for Op {
    fn from(action: WriteAction) -> Self {
        match action {
            WriteAction::List(a) => Op::List(a),
            WriteAction::Get(a) => Op::Get(a.id),
            WriteAction::Create(b) => Op::Create(b),
            WriteAction::Update(u) => Op::Update(u.id, u.body),
            WriteAction::Delete(a) => Op::Delete(a.id),
        }
    }
}

impl From<UpsertAction> for Op {
    fn from(action: UpsertAction) -> Self {
        match action {
            UpsertAction::Write(w) => w.into(),
            UpsertAction::Upsert(b) => Op::Upsert(b),
        }
    }
}
