//! Resigns (8.5 and 9.5 only): list, get, create, update (PUT), delete and reinstate through
//! the resource generated from the spec; on a server without the API a plain "no resign
//! API" error, not an HTML parse error.

use crate::common;

use futures::TryStreamExt;
use zkbiotime::types::{Reinstatement, ResignCreate, ResignUpdate};
use zkbiotime::{ErrorKind, ResignFilter};
use zkbiotime_sandbox::{SandboxBuilder, ServerVersion};

fn resign_of(employee: i64) -> ResignCreate {
    ResignCreate {
        employee,
        disableatt: true,
        resign_type: 1,
        resign_date: "2024-06-01".parse().unwrap(),
        reason: Some("moved away".into()),
        extra: Default::default(),
    }
}

#[tokio::test]
async fn resigns_round_trip_on_versions_that_have_them() {
    for version in [ServerVersion::V9_5, ServerVersion::V8_5] {
        let sandbox = SandboxBuilder::new()
            .server_version(version)
            .employees(5)
            .days(1)
            .spawn()
            .await
            .unwrap();
        let client = common::client(&sandbox);
        let resigns = client.resigns();
        let employee = client.employees().page(&Default::default(), 1).await.unwrap().items[0].id;

        let created = resigns.create(resign_of(employee)).await.unwrap();
        assert_eq!(created.employee.id, employee, "{version:?}");
        assert_eq!(created.resign_type, Some(1));
        let read = resigns.get(created.id).await.unwrap();
        assert_eq!(read.reason.as_deref(), Some("moved away"));

        let update = ResignUpdate { reason: Some("back to school".into()), ..Default::default() };
        let updated = resigns.update(created.id, update).await.unwrap();
        assert_eq!(updated.reason.as_deref(), Some("back to school"));

        let filter = ResignFilter { employee: Some(employee), ..Default::default() };
        let listed: Vec<_> = resigns.list(filter).try_collect().await.unwrap();
        assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![created.id]);

        // Reinstating removes the resign; a second one is deleted directly.
        resigns
            .reinstate(Reinstatement { resigns: vec![created.id], extra: Default::default() })
            .await
            .unwrap();
        let gone = resigns.get(created.id).await.unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::NotFound);
        let again = resigns.create(resign_of(employee)).await.unwrap();
        resigns.delete(again.id).await.unwrap();
        let all: Vec<_> = resigns.list(Default::default()).try_collect().await.unwrap();
        assert!(all.is_empty(), "{all:?}");
    }
}

#[tokio::test]
async fn a_server_without_the_resign_api_says_so() {
    for version in [ServerVersion::V9_0, ServerVersion::V8_0] {
        let sandbox = SandboxBuilder::new()
            .server_version(version)
            .employees(3)
            .days(1)
            .spawn()
            .await
            .unwrap();
        let client = common::client(&sandbox);
        let err = client.resigns().page(&Default::default(), 1).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{version:?}: {err}");
        assert!(err.detail().contains("no resign API"), "{err}");
        assert!(err.detail().contains("8.5 and 9.5"), "{err}");
        let err = client.resigns().create(resign_of(1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    }
}
