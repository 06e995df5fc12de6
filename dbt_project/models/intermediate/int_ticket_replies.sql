-- One row per agent reply: a public comment by an agent user outside the creating audit.
with comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

agent_users as (
    select * from {{ ref('int_zendesk_agent_users') }}
),

final as (
    select
        comments.ticket_id,
        comments.event_id,
        comments.child_position,
        comments.created_at as replied_at,
        comments.author_id
    from comments
    inner join agent_users on comments.author_id = agent_users.user_id
    where comments.is_public and not comments.is_creating_audit
)

select * from final
