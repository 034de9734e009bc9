//! `DELETE /iclock/api/transactions/{id}/`: a punch removed (D80 lists delete on
//! transactions; what happens to reports and device copies is the server's business).

use std::sync::Arc;

use axum::response::Response;

use super::deleted;
use crate::db::Table;
use crate::errors::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn delete(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    state
        .db
        .run(move |store| {
            let n = store.conn.execute("DELETE FROM iclock_transaction WHERE id = ?", [id])?;
            if n == 0 {
                return Err(ApiError::NotFound);
            }
            store.touch(Table::Transaction);
            Ok(())
        })
        .await?;
    deleted(version)
}
