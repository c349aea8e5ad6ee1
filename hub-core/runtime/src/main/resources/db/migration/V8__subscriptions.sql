-- Outgoing webhooks (issue 5): tenants subscribe URLs to event types; each matching event becomes a
-- delivery, performed by the action dispatcher (type 'delivery': signed, retried with backoff), and
-- every attempt is logged.

create table subscriptions (
  id           uuid primary key,
  tenant_id    text not null,
  url          text not null,
  events       text[] not null,
  description  text,
  secret       text not null,
  enabled      boolean not null default true,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index subscriptions_tenant on subscriptions (tenant_id, created_at desc, id desc);

-- one delivery per subscription and event, however often the event is read again
create unique index actions_delivery on actions (tenant_id, (payload->>'subscriptionId'), (payload->>'eventId'))
  where type = 'delivery';
create index actions_deliveries_of on actions (tenant_id, (payload->>'subscriptionId'), created_at desc)
  where type = 'delivery';

create table delivery_attempts (
  id                bigserial primary key,
  tenant_id         text not null,
  delivery_id       uuid not null references actions (id) on delete cascade,
  attempted_at      timestamptz not null default now(),
  status_code       int,
  latency_ms        int not null,
  error             text,
  response_excerpt  text
);
create index delivery_attempts_of on delivery_attempts (tenant_id, delivery_id, attempted_at);
