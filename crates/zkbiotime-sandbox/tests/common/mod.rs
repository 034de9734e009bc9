//! Test helpers: a sandbox plus a logged-in HTTP client.
#![allow(dead_code)]

use reqwest::{Client, Method};
use serde_json::{Value, json};
use zkbiotime_sandbox::{Sandbox, SandboxBuilder};

pub struct Api {
    pub sb: Sandbox,
    pub http: Client,
    pub token: String,
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl Api {
    pub async fn new() -> Api {
        Api::with(SandboxBuilder::new()).await
    }

    pub async fn with(builder: SandboxBuilder) -> Api {
        let sb = builder.spawn().await.expect("sandbox starts");
        let http = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut api = Api { sb, http, token: String::new() };
        let login = api
            .raw(
                Method::POST,
                "/api-token-auth/",
                Some(json!({"username": "admin", "password": "admin123"})),
                None,
            )
            .await;
        if login.status == 200 {
            api.token = login.json()["token"].as_str().unwrap().to_string();
        }
        api
    }

    pub fn auth(&self) -> String {
        format!("Token {}", self.token)
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        auth: Option<&str>,
    ) -> Answer {
        let mut req = self.http.request(method, format!("{}{}", self.sb.url(), path));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        Answer {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap(),
        }
    }

    /// An authenticated request; returns (status, JSON or Null for an empty body).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let a = self.raw(method, path, body, Some(&self.auth())).await;
        let v = if a.text.is_empty() { Value::Null } else { a.json() };
        (a.status, v)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }

    /// Follows `next` links from `path`, returning every row and the number of pages.
    pub async fn all_pages(&self, path: &str) -> (Vec<Value>, usize) {
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut next = Some(format!("{}{}", self.sb.url(), path));
        while let Some(url) = next {
            let resp =
                self.http.get(&url).header("Authorization", self.auth()).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200, "{url}");
            let v: Value = resp.json().await.unwrap();
            rows.extend(v["data"].as_array().unwrap().iter().cloned());
            pages += 1;
            next = v["next"].as_str().map(str::to_string);
        }
        (rows, pages)
    }
}
