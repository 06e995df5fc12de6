-- Per ticket with at least one agent reply: the first reply and the number of replies.
with replies as (
    select * from {{ ref('int_ticket_replies') }}
),

final as (
    select
        ticket_id,
        min(replied_at) as first_reply_at,
        count(*) as agent_reply_count
    from replies
    group by ticket_id
)

select * from final
