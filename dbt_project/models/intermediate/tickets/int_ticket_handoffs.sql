-- Per ticket: assignee changes after the first assignment (a change = an assignee event whose value differs
-- from the assignee before it, including an unassignment).
with assignments as (
    select
        *,
        lag(assignee_key) over (partition by ticket_id order by change_number) as previous_assignee_key,
        min(change_number) filter (where assignee_key is not null) over (partition by ticket_id)
            as first_assignment_number
    from {{ ref('int_ticket_assignments') }}
),

final as (
    select
        ticket_id,
        count(*) filter (
            where change_number > first_assignment_number
                and assignee_key is distinct from previous_assignee_key
        ) as handoff_count
    from assignments
    group by ticket_id
)

select * from final
