//! One accessor per API resource. Each is a thin, typed face over `Client::send` and the
//! pager; the operations themselves are progenitor's, generated from the spec.

use futures::Stream;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::generated::api::types;
use crate::generated::lists::{
    AreaFilter, DepartmentFilter, EmployeeFilter, PositionFilter, TerminalFilter, TransactionFilter,
};
use crate::paging::{self, ListFilter, Page};

/// Declares a resource accessor. `read` resources can be listed and fetched; `crud` ones
/// can also be created, updated (PATCH) and deleted.
macro_rules! resource {
    (read $name:ident, $doc:literal, item: $item:ty, filter: $filter:ty, get: $get:ident) => {
        #[doc = $doc]
        #[derive(Clone, Debug)]
        pub struct $name {
            client: Client,
        }

        impl $name {
            pub(crate) fn new(client: Client) -> Self {
                Self { client }
            }

            /// Every record the filter selects, across all pages, in order. Pages after the
            /// first are fetched concurrently (see [`crate::ClientBuilder::concurrency`]).
            pub fn list(&self, filter: $filter) -> impl Stream<Item = Result<$item>> + Send + 'static {
                paging::items(self.client.clone(), filter)
            }

            /// Every page the filter selects, in order; each carries the total `count`.
            pub fn pages(&self, filter: $filter) -> impl Stream<Item = Result<Page<$item>>> + Send + 'static {
                paging::pages(self.client.clone(), filter)
            }

            /// Page `number` (1-based) of the list, with the total `count`.
            pub async fn page(&self, filter: &$filter, number: i64) -> Result<Page<$item>> {
                paging::fetch_page(&self.client, filter, number).await
            }

            /// One record by id.
            pub async fn get(&self, id: i64) -> Result<$item> {
                self.client
                    .send(Call::read(detail_path::<$filter>(id)), |api| async move {
                        api.$get().id(id).send().await
                    })
                    .await
            }
        }
    };
    (crud $name:ident, $doc:literal, item: $item:ty, filter: $filter:ty, get: $get:ident,
     create: $create:ident($create_body:ty) -> $written:ty,
     update: $update:ident($update_body:ty),
     delete: $delete:ident) => {
        resource!(read $name, $doc, item: $item, filter: $filter, get: $get);

        impl $name {
            /// Creates a record; the answer holds bare ids. Never retried automatically: a
            /// lost answer may hide a stored record (use `upsert` to be safe).
            pub async fn create(&self, body: $create_body) -> Result<$written> {
                let call = Call::write("POST", <$filter as ListFilter>::PATH.to_string());
                self.client
                    .send(call, |api| {
                        let body = body.clone();
                        async move { api.$create().body(body).send().await }
                    })
                    .await
            }

            /// Changes the fields present in `body` (PATCH).
            pub async fn update(&self, id: i64, body: $update_body) -> Result<$written> {
                let call = Call::write("PATCH", detail_path::<$filter>(id));
                self.client
                    .send(call, |api| {
                        let body = body.clone();
                        async move { api.$update().id(id).body(body).send().await }
                    })
                    .await
            }

            /// Deletes a record.
            pub async fn delete(&self, id: i64) -> Result<()> {
                let call = Call::write("DELETE", detail_path::<$filter>(id));
                self.client
                    .send(call, |api| async move { api.$delete().id(id).send().await })
                    .await
            }
        }
    };
}

/// `/personnel/api/employees/` + `42/`.
fn detail_path<F: ListFilter>(id: i64) -> String {
    format!("{}{id}/", F::PATH)
}

resource!(crud Employees, "Employees (`/personnel/api/employees/`).",
    item: types::Employee, filter: EmployeeFilter, get: get_employee,
    create: create_employee(types::EmployeeCreate) -> types::EmployeeWritten,
    update: update_employee(types::EmployeeUpdate),
    delete: delete_employee);

resource!(crud Departments, "Departments (`/personnel/api/departments/`).",
    item: types::Department, filter: DepartmentFilter, get: get_department,
    create: create_department(types::DepartmentCreate) -> types::Department,
    update: update_department(types::DepartmentUpdate),
    delete: delete_department);

resource!(crud Areas, "Areas (`/personnel/api/areas/`).",
    item: types::Area, filter: AreaFilter, get: get_area,
    create: create_area(types::AreaCreate) -> types::AreaWritten,
    update: update_area(types::AreaUpdate),
    delete: delete_area);

resource!(crud Positions, "Positions (`/personnel/api/positions/`).",
    item: types::Position, filter: PositionFilter, get: get_position,
    create: create_position(types::PositionCreate) -> types::Position,
    update: update_position(types::PositionUpdate),
    delete: delete_position);

resource!(read Terminals, "Terminals, i.e. devices (`/iclock/api/terminals/`). Read only.",
    item: types::Terminal, filter: TerminalFilter, get: get_terminal);

resource!(read Transactions, "Punches (`/iclock/api/transactions/`). Read only.",
    item: types::Transaction, filter: TransactionFilter, get: get_transaction);
