-- Tenants' knowledge-base documents (the /api/v1/tenants/{t}/kb API). The hub is their system of
-- record; plugins' KnowledgeIndex extensions keep the searchable passages in memory and are fed from
-- here at start, and every hub instance sharing this database polls updated_at to converge.
-- A delete keeps a tombstone (deleted = true) so that the other instances see it.
create table kb_documents (
  tenant_id    text not null,
  document_id  text not null,
  title        text not null default '',
  source       text not null default '',
  text         text not null default '',
  updated_at   timestamptz not null default clock_timestamp(),
  deleted      boolean not null default false,
  primary key (tenant_id, document_id)
);
create index kb_documents_updated on kb_documents (updated_at);
