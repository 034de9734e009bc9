//! `zkbio <resource> <list|get|create|update|delete>`: each a direct call of the core's
//! resource accessor; this file only picks the accessor and the output model.

use anyhow::Result;
use clap::ArgMatches;
use futures::{Stream, StreamExt};
use serde::Serialize;
use zkbiotime::Client;

use crate::cli::{BodyArgs, ListArgs};
use crate::fields::{body_from, filter_from, model};
use crate::output::Output;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Employees,
    Departments,
    Areas,
    Positions,
    Terminals,
    Transactions,
}

/// Every spec model the CLI refers to by name (checked by a unit test).
#[cfg(test)]
pub const MODEL_NAMES: &[&str] = &[
    "Employee",
    "EmployeeCreate",
    "EmployeeUpdate",
    "EmployeeWritten",
    "Department",
    "DepartmentCreate",
    "DepartmentUpdate",
    "Area",
    "AreaCreate",
    "AreaUpdate",
    "AreaWritten",
    "Position",
    "PositionCreate",
    "PositionUpdate",
    "Terminal",
    "Transaction",
];

impl Resource {
    pub const ALL: [Resource; 6] = [
        Resource::Employees,
        Resource::Departments,
        Resource::Areas,
        Resource::Positions,
        Resource::Terminals,
        Resource::Transactions,
    ];

    /// The subcommand name.
    pub fn command(self) -> &'static str {
        match self {
            Resource::Employees => "employees",
            Resource::Departments => "departments",
            Resource::Areas => "areas",
            Resource::Positions => "positions",
            Resource::Terminals => "terminals",
            Resource::Transactions => "transactions",
        }
    }

    fn singular(self) -> &'static str {
        match self {
            Resource::Employees => "employee",
            Resource::Departments => "department",
            Resource::Areas => "area",
            Resource::Positions => "position",
            Resource::Terminals => "terminal",
            Resource::Transactions => "transaction",
        }
    }

    /// The list's filter names, from the core's generated filter types.
    pub fn filter_fields(self) -> &'static [&'static str] {
        match self {
            Resource::Employees => zkbiotime::EmployeeFilter::FIELDS,
            Resource::Departments => zkbiotime::DepartmentFilter::FIELDS,
            Resource::Areas => zkbiotime::AreaFilter::FIELDS,
            Resource::Positions => zkbiotime::PositionFilter::FIELDS,
            Resource::Terminals => zkbiotime::TerminalFilter::FIELDS,
            Resource::Transactions => zkbiotime::TransactionFilter::FIELDS,
        }
    }

    /// The record type a list or get answers with.
    pub fn record_model(self) -> &'static str {
        match self {
            Resource::Employees => "Employee",
            Resource::Departments => "Department",
            Resource::Areas => "Area",
            Resource::Positions => "Position",
            Resource::Terminals => "Terminal",
            Resource::Transactions => "Transaction",
        }
    }

    /// The create and update bodies of a writable resource.
    pub fn body_models(self) -> Option<(&'static str, &'static str)> {
        match self {
            Resource::Employees => Some(("EmployeeCreate", "EmployeeUpdate")),
            Resource::Departments => Some(("DepartmentCreate", "DepartmentUpdate")),
            Resource::Areas => Some(("AreaCreate", "AreaUpdate")),
            Resource::Positions => Some(("PositionCreate", "PositionUpdate")),
            Resource::Terminals | Resource::Transactions => None,
        }
    }

    /// What create and update answer with.
    fn written_model(self) -> &'static str {
        match self {
            Resource::Employees => "EmployeeWritten",
            Resource::Areas => "AreaWritten",
            other => other.record_model(),
        }
    }
}

/// One operation on a resource.
pub enum Op {
    List(ListArgs),
    Get(i64),
    Create(BodyArgs),
    Update(i64, BodyArgs),
    Delete(i64),
    Upsert(BodyArgs),
}

/// list and get of any resource.
macro_rules! read {
    ($ctx:ident, $accessor:ident, $filter:ty, $op:expr) => {{
        let api = $ctx.client.$accessor();
        let record = model($ctx.resource.record_model());
        match $op {
            Op::List(args) => {
                let filter: $filter =
                    filter_from($ctx.leaf, <$filter>::FIELDS, $ctx.client.server_zone())?;
                write_list(api.list(filter), record, args.limit, $ctx.output).await
            }
            Op::Get(id) => $ctx.output.print_one(&api.get(id).await?, record),
            _ => unreachable!("clap offers no write operation on a read-only resource"),
        }
    }};
}

/// Every operation of a writable resource.
macro_rules! crud {
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
            Op::Upsert(b) => {
                let body = body_from($ctx.leaf, model(create), b.data.as_deref(), &b.set)?;
                let done = api.upsert(body).await?;
                let verb = if done.was_created() { "created" } else { "updated" };
                eprintln!("{verb} {}", $ctx.resource.singular());
                $ctx.output.print_one(&done.into_inner(), written)
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

/// Runs `op`; `leaf` holds the matches of the leaf subcommand (its spec-derived flags).
pub async fn run(
    client: &Client,
    resource: Resource,
    op: Op,
    leaf: &ArgMatches,
    output: &Output,
) -> Result<()> {
    let ctx = Ctx { client, resource, leaf, output };
    match resource {
        Resource::Employees => crud!(ctx, employees, zkbiotime::EmployeeFilter, op),
        Resource::Departments => crud!(ctx, departments, zkbiotime::DepartmentFilter, op),
        Resource::Areas => crud!(ctx, areas, zkbiotime::AreaFilter, op),
        Resource::Positions => crud!(ctx, positions, zkbiotime::PositionFilter, op),
        Resource::Terminals => read!(ctx, terminals, zkbiotime::TerminalFilter, op),
        Resource::Transactions => read!(ctx, transactions, zkbiotime::TransactionFilter, op),
    }
}

struct Ctx<'a> {
    client: &'a Client,
    resource: Resource,
    leaf: &'a ArgMatches,
    output: &'a Output,
}

/// Writes the records as the stream yields them.
async fn write_list<T: Serialize + 'static>(
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
