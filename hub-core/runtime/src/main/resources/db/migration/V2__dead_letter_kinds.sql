-- Why a record was dead-lettered decides what can bring it back: 'workflow_unavailable' records are
-- replayed automatically once the tenant's workflow can run again (its plugin re-enabled).
alter table dead_letters add column kind text not null default 'invalid_record'
  check (kind in ('invalid_record', 'step_failed', 'workflow_unavailable', 'store_failed'));
alter table dead_letters add column replayed_at timestamptz;
create index dead_letters_pending on dead_letters (tenant_id, kind, created_at) where replayed_at is null;
