-- Per ticket: public agent comments outside the creating audit (the replies), first reply and count.
with comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

agent_users as (
    select * from {{ ref('int_zendesk_agent_users') }}
),

replies as (
    select comments.ticket_id, comments.created_at
    from comments
    inner join agent_users on comments.author_id = agent_users.user_id
    where comments.is_public and not comments.is_creating_audit
),

final as (
    select
        ticket_id,
        min(created_at) as first_reply_at,
        count(*) as agent_reply_count
    from replies
    group by ticket_id
)

select * from final
