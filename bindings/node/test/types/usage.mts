// Compiled with `tsc --strict` by test/types.test.mjs (never run): the public types accept
// what the API takes and reject what it does not (`@ts-expect-error` lines must be errors).

import {
  Client,
  BadRequestError,
  LoginCooldownError,
  AuthenticationError,
  ZKBioTimeError,
  LicenceError,
  labels,
  type AuthScheme,
  type ClientOptions,
  type Employee,
  type EmployeeCreate,
  type EmployeeFilter,
  type EmployeeWritten,
  type ErrorKind,
  type JsonValue,
  type Page,
  type RecordList,
  type ServerInfo,
  type SyncBatch,
  type Transaction,
  type TransactionFilter,
  type TransactionOrdering,
  type Upserted,
} from 'zkbiotime';

const options: ClientOptions = {
  baseUrl: 'http://127.0.0.1:8097',
  username: 'admin',
  password: 'admin123',
  timezone: 'Asia/Karachi',
  timeoutMs: 5000,
  retries: 3,
  pageSize: 500,
  insecureSkipTlsVerify: false,
};
const client = new Client(options);

// @ts-expect-error unknown option
new Client({ baseUrl: 'x', pagesize: 10 });
const scheme: AuthScheme = 'staff_jwt';
new Client({ baseUrl: 'x', username: 'a', password: 'b', auth: scheme, acceptLanguage: 'zh-hans' });
new Client({ baseUrl: 'x', username: 'a', password: 'b', auth: 'basic' });
// @ts-expect-error not an auth scheme
new Client({ baseUrl: 'x', username: 'a', password: 'b', auth: 'kerberos' });
// @ts-expect-error baseUrl is required
new Client({ username: 'a', password: 'b' });

export async function reads(): Promise<number> {
  const harry: Employee = await client.employees.get(1);
  const code: string = harry.emp_code;
  const first: string | undefined = harry.first_name;
  const dept: string | undefined = harry.department?.dept_name;
  const areas: string[] = harry.area.map((a) => a.area_name ?? '');
  const job: JsonValue | undefined = harry.extra['Primary Job'];
  // @ts-expect-error optional fields may be missing
  const sure: string = harry.first_name;

  const filter: EmployeeFilter = { department: 1, last_name: 'Potter' };
  // @ts-expect-error unknown filter name
  client.employees.list({ departement: 1 });
  // @ts-expect-error filter of the wrong type
  client.employees.list({ department: '1' });

  const list: RecordList<Employee> = client.employees.list(filter);
  let n = 0;
  for await (const e of list) n += e.id;
  const total: number = await list.total();
  const count: number | undefined = list.count;
  for await (const page of list.pages()) {
    const p: Page<Employee> = page;
    n += p.items.length + p.number + p.count + p.pageSize + (p.hasNext ? 1 : 0);
  }

  const ordering: TransactionOrdering = '-punch_time';
  // @ts-expect-error not an ordering the API knows
  const wrongOrdering: TransactionOrdering = 'emp_code';
  const tf: TransactionFilter = { start_time: new Date(), end_time: '2024-06-30 23:59:59', ordering };
  const punches: Transaction[] = await client.transactions.list(tf).toArray();
  const at: string | undefined = punches[0]?.punch_time;
  const raw: string | undefined = punches[0]?.punch_time_raw;
  const page = await client.transactions.page(2, { emp_code: '1' });
  // @ts-expect-error transactions are read only
  client.transactions.create({});
  return n + total + (count ?? 0) + page.items.length + code.length + (first ?? '').length +
    (dept ?? '').length + areas.length + String(job).length + sure.length +
    String(wrongOrdering).length + (at ?? '').length + (raw ?? '').length;
}

export async function writes(): Promise<string> {
  const body: EmployeeCreate = {
    emp_code: 'T1',
    department: 1,
    area: [1],
    first_name: 'Type',
    extra: { 'Primary Job': 'Checker' },
  };
  // @ts-expect-error emp_code is required
  await client.employees.create({ department: 1 });
  // @ts-expect-error unknown body field
  await client.employees.update(1, { frist_name: 'x' });
  const written: EmployeeWritten = await client.employees.create(body);
  const hash: string | undefined = written.self_password?.expose();
  const up: Upserted<EmployeeWritten> = await client.employees.upsert(body);
  const created: boolean = up.created;
  await client.employees.update(1, { first_name: 'Changed' });
  await client.employees.delete(written.id ?? 0);
  const fields: string[] = client.employees.bodyFields('update');
  // @ts-expect-error only create and update have bodies
  client.departments.bodyFields('delete');
  // @ts-expect-error transactions are read only
  client.transactions.bodyFields();
  const d = await client.departments.upsert({ dept_code: 'D', dept_name: 'Dept' });
  const resign = await client.resigns.create({
    employee: 1,
    resign_date: '2024-06-01',
    resign_type: 1,
    disableatt: true,
  });
  const reinstated: JsonValue = await client.resigns.reinstate({ resigns: [resign.id] });
  // @ts-expect-error a resign has no code to upsert by
  await client.resigns.upsert({});
  // @ts-expect-error the reinstate body takes resign ids
  await client.resigns.reinstate({ employees: [1] });
  await client.resigns.reinstate([resign.id]);
  // @ts-expect-error only an action on ids alone takes a bare list
  await client.employees.adjust_area([1]);
  void reinstated;
  const batch: SyncBatch = await client.transactions.sync(null, { max: 100 });
  const next: SyncBatch = await client.transactions.sync(batch.state);
  return `${hash}${created}${d.record.dept_code}${next.complete}${fields.length}`;
}

export async function raw(): Promise<string> {
  const page: JsonValue = await client.request('GET', '/personnel/api/employees/', {
    params: { page: 1, page_size: 10, emp_code: '1', ignored: undefined },
  });
  const count =
    page !== null && typeof page === 'object' && !Array.isArray(page) ? page['count'] : null;
  await client.request('patch', '/personnel/api/employees/1/', { json: { first_name: 'x' } });
  await client.request('DELETE', '/personnel/api/areas/9/');
  // @ts-expect-error not a method request sends
  await client.request('HEAD', '/api/docs/');
  // @ts-expect-error params are strings or numbers
  await client.request('GET', '/personnel/api/employees/', { params: { area: [1, 2] } });
  // @ts-expect-error unknown request option
  await client.request('GET', '/personnel/api/employees/', { query: {} });
  const info: ServerInfo = await client.serverInfo();
  const key: 'data' | 'results' | null = info.envelope_key;
  const resigns: boolean | null = info.resign_api;
  // @ts-expect-error keys are snake_case, as the JSON has them
  const wrong = info.envelopeKey;
  return `${String(count)} ${info.version ?? '?'} ${key} ${resigns} ${String(wrong)}`;
}

export function errors(e: unknown): string {
  if (e instanceof LicenceError) {
    return `${e.kind} ${e.status}: try auth: 'basic'`;
  }
  if (e instanceof BadRequestError) {
    const messages: string[] | undefined = e.fieldErrors['emp_code'];
    return messages?.join() ?? '';
  }
  if (e instanceof LoginCooldownError) {
    const authentication: AuthenticationError = e;
    return String(authentication.retryAfterMs);
  }
  if (e instanceof ZKBioTimeError) {
    const kind: ErrorKind = e.kind;
    const status: number | undefined = e.status;
    return `${kind} ${status} ${e.method} ${e.path} ${e.detail}`;
  }
  return '';
}

const checkIn: string | undefined = labels('Transaction', 'punch_state')['0'];
void checkIn;
