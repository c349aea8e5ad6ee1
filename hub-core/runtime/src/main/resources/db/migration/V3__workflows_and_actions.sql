-- Tenant workflows (issue 4): what ran on each interaction, the contact fields conditions read, and
-- the actions steps ask for, performed after the interaction is stored (an outbox).

alter table contacts add column email text;
create unique index contacts_tenant_email on contacts (tenant_id, lower(email)) where email is not null;

-- The workflow version that ran and its trace: which nodes ran, which branches were taken, why it stopped.
alter table interactions add column workflow jsonb not null default '{}'::jsonb;

create table actions (
  id               uuid primary key,
  tenant_id        text not null,
  interaction_id   uuid not null references interactions (id),
  node             text,
  type             text not null,
  payload          jsonb not null,
  status           text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_error       text,
  result           jsonb,
  created_at       timestamptz not null default now(),
  done_at          timestamptz
);
create index actions_due on actions (next_attempt_at) where status = 'pending';
create index actions_interaction on actions (tenant_id, interaction_id);

-- A tenant whose file was removed: its queued records wait here and come back if the file does.
alter table dead_letters drop constraint dead_letters_kind_check;
alter table dead_letters add constraint dead_letters_kind_check
  check (kind in ('invalid_record', 'step_failed', 'workflow_unavailable', 'store_failed', 'tenant_disabled'));
