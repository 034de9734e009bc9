//! `zkbio info`, `zkbio request` and `zkbio report`: the core's `server_info`, raw
//! `request` and report by name, printed as JSON. A raw answer has no model to redact by, so every key that the spec types as a
//! secret anywhere (`self_password`, `device_password`, ...) is printed as `***` (the
//! answers of `x-action`s too).

use anyhow::Result;
use serde_json::Value;
use zkbiotime::Client;

use crate::cli::{ReportArgs, RequestArgs};
use crate::exit::Usage;
use crate::fields::{Kind, read_data};
use crate::generated::MODELS;

pub async fn info(client: &Client) -> Result<()> {
    let info = client.server_info().await?;
    println!("{}", serde_json::to_string_pretty(&info)?);
    Ok(())
}

pub async fn request(client: &Client, args: &RequestArgs) -> Result<()> {
    let query = query_pairs(&args.params)?;
    let body = args.data.as_deref().map(read_data).transpose()?;
    let mut answer = client.request(&args.method, &args.path, &query, body.as_ref()).await?;
    redact_secret_keys(&mut answer);
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(())
}

/// Every row of the report, one JSON object per line, written as the pages arrive.
pub async fn report(client: &Client, args: &ReportArgs) -> Result<()> {
    use futures::StreamExt as _;
    use std::io::Write as _;
    let query = zkbiotime::ReportQuery::new(&args.name, query_pairs(&args.params)?)?;
    let rows = client.report(query).take(args.limit.unwrap_or(usize::MAX));
    let mut rows = std::pin::pin!(rows);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(row) = rows.next().await {
        let mut row = Value::Object(row?);
        redact_secret_keys(&mut row);
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// `KEY=VALUE` arguments as query pairs.
fn query_pairs(params: &[String]) -> Result<Vec<(String, String)>> {
    let mut query = Vec::with_capacity(params.len());
    for param in params {
        let Some((key, value)) = param.split_once('=') else {
            return Err(Usage(format!("--param {param:?} is not KEY=VALUE")).into());
        };
        query.push((key.to_string(), value.to_string()));
    }
    Ok(query)
}

/// Replaces the value of every key that is a secret in some model of the spec, at any depth.
pub(crate) fn redact_secret_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let secret = MODELS
                    .iter()
                    .flat_map(|m| m.fields)
                    .any(|f| f.name == key && matches!(f.kind, Kind::Secret) && !v.is_null());
                if secret {
                    *v = Value::String("***".into());
                } else {
                    redact_secret_keys(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secret_keys),
        _ => {}
    }
}
