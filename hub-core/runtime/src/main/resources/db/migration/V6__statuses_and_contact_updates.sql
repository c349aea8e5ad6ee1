-- Channel connectors (issue 5): providers' delivery receipts for the messages the hub sent, and
-- contact updates from systems of record (Stripe, CRMs) that name a contact by an id they stored.

-- One row per receipt (sent, delivered, read, failed): kept whether or not the send is known yet,
-- since a provider's first receipt can arrive before the hub has recorded the send's result.
create table message_statuses (
  tenant_id    text not null,
  connector    text not null,
  message_id   text not null,
  status       text not null,
  error        text,
  occurred_at  timestamptz not null,
  received_at  timestamptz not null default now(),
  primary key (tenant_id, connector, message_id, status)
);

-- A reply is found by the provider's id for it, which its send returned.
create index actions_provider_message on actions (tenant_id, (result->>'providerMessageId')) where type = 'reply';

-- An update for a contact no earlier update introduced waits for replay.
alter table dead_letters drop constraint dead_letters_kind_check;
alter table dead_letters add constraint dead_letters_kind_check
  check (kind in ('invalid_record', 'step_failed', 'workflow_unavailable', 'store_failed', 'tenant_disabled',
                  'contact_unknown'));
