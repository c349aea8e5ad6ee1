-- Web chat (issue 5): the hub is the provider. A session is one visitor's conversation with the
-- tenant through the chat widget; its messages are the transcript the widget and agents read.
create table chat_sessions (
  tenant_id    text not null,
  id           uuid not null,
  token_hash   text not null,
  status       text not null default 'open' check (status in ('open', 'agent', 'closed')),
  visitor      jsonb not null default '{}'::jsonb,
  agent        text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index chat_sessions_updated on chat_sessions (tenant_id, updated_at desc, id desc);

create table chat_messages (
  seq          bigserial primary key,
  tenant_id    text not null,
  session_id   uuid not null,
  direction    text not null check (direction in ('in', 'out')),
  author       text not null check (author in ('visitor', 'bot', 'agent', 'system')),
  agent        text,
  text         text not null,
  client_id    text,
  action_id    uuid,
  created_at   timestamptz not null default now(),
  foreign key (tenant_id, session_id) references chat_sessions (tenant_id, id)
);
-- a widget's retry of one message, and the action dispatcher's retry of one reply, are stored once
create unique index chat_messages_client on chat_messages (tenant_id, session_id, client_id) where client_id is not null;
create unique index chat_messages_action on chat_messages (action_id) where action_id is not null;
create index chat_messages_session on chat_messages (tenant_id, session_id, seq);
