-- Core schema. Every table that holds tenant data has tenant_id, and every query filters on it.

create table contacts (
  id            uuid primary key,
  tenant_id     text not null,
  phone         text,
  display_name  text,
  attributes    jsonb not null default '{}'::jsonb,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create unique index contacts_tenant_phone on contacts (tenant_id, phone) where phone is not null;

create table conversations (
  id                uuid primary key,
  tenant_id         text not null,
  contact_id        uuid not null references contacts (id),
  channel           text not null,
  status            text not null default 'open' check (status in ('open', 'closed')),
  started_at        timestamptz not null,
  last_activity_at  timestamptz not null
);
create index conversations_thread on conversations (tenant_id, contact_id, channel, last_activity_at desc)
  where status = 'open';

create table interactions (
  id                   uuid primary key,
  tenant_id            text not null,
  conversation_id      uuid not null references conversations (id),
  contact_id           uuid not null references contacts (id),
  channel              text not null,
  direction            text not null check (direction in ('inbound', 'outbound')),
  connector            text not null,
  provider_message_id  text not null,
  from_address         text not null,
  to_address           text,
  text                 text not null,
  media                jsonb not null default '[]'::jsonb,
  attributes           jsonb not null default '{}'::jsonb,
  signals              jsonb not null default '{}'::jsonb,
  received_at          timestamptz not null,
  created_at           timestamptz not null default now()
);
create unique index interactions_provider_id on interactions (tenant_id, connector, provider_message_id);
create index interactions_newest on interactions (tenant_id, received_at desc, id desc);
create index interactions_contact on interactions (tenant_id, contact_id, received_at desc);

-- Domain events, append-only: the trigger below refuses updates and deletes.
create table events (
  id           uuid primary key,
  tenant_id    text not null,
  type         text not null,
  subject_id   uuid,
  payload      jsonb not null,
  created_at   timestamptz not null default now()
);
create index events_tenant_created on events (tenant_id, created_at desc);
create index events_subject on events (tenant_id, subject_id);

create function events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'events is append-only: % is not allowed', tg_op;
end;
$$;
create trigger events_append_only before update or delete on events
  for each row execute function events_append_only();

-- Provider message ids already accepted at the webhook, so a provider's retry is answered but not
-- queued twice.
create table processed_provider_ids (
  tenant_id    text not null,
  connector    text not null,
  provider_id  text not null,
  received_at  timestamptz not null default now(),
  primary key (tenant_id, connector, provider_id)
);

-- Inbound records the pipeline could not process, kept for inspection and replay.
create table dead_letters (
  id          uuid primary key,
  tenant_id   text not null,
  source      text not null,
  reason      text not null,
  payload     text not null,
  created_at  timestamptz not null default now()
);
create index dead_letters_tenant on dead_letters (tenant_id, created_at desc);
