-- Backlog snapshots: one row per day and ticket open at the end of that day in the reporting zone (or at the
-- helpdesk as-of time, if earlier), with its status, assignee (agent, team at that moment) and overdue flag.
with helpdesk_as_of as (
    select
        as_of_at,
        timezone('{{ var("reporting_timezone") }}', as_of_at)::date as as_of_date
    from {{ ref('int_source_as_of') }}
    where source_system = 'helpdesk'
),

tickets as (
    select * from {{ ref('int_tickets') }}
),

snapshot_days as (
    select
        day::date as snapshot_date,
        least({{ local_midnight("day::date + 1") }}, helpdesk_as_of.as_of_at) as snapshot_at
    from helpdesk_as_of,
        range(
            (select min(timezone('{{ var("reporting_timezone") }}', created_at))::date from tickets),
            helpdesk_as_of.as_of_date + 1,
            interval 1 day
        ) as days(day)
),

open_at_snapshot as (
    select
        snapshot_days.snapshot_date,
        snapshot_days.snapshot_at,
        intervals.ticket_id,
        intervals.status
    from snapshot_days
    inner join {{ ref('int_ticket_status_intervals') }} as intervals
        on intervals.valid_from <= snapshot_days.snapshot_at
        and (intervals.valid_to is null or intervals.valid_to > snapshot_days.snapshot_at)
    where intervals.status not in ('solved', 'closed', 'deleted')
),

assignee_at_snapshot as (
    select
        open_at_snapshot.snapshot_date,
        open_at_snapshot.ticket_id,
        assignments.assignee_key
    from open_at_snapshot
    inner join {{ ref('int_ticket_assignments') }} as assignments
        on assignments.ticket_id = open_at_snapshot.ticket_id
        and assignments.created_at <= open_at_snapshot.snapshot_at
    qualify row_number() over (
        partition by open_at_snapshot.snapshot_date, open_at_snapshot.ticket_id
        order by assignments.change_number desc
    ) = 1
),

last_reply_at_snapshot as (
    select
        open_at_snapshot.snapshot_date,
        open_at_snapshot.ticket_id,
        max(replies.replied_at) as last_reply_at
    from open_at_snapshot
    inner join {{ ref('int_ticket_replies') }} as replies
        on replies.ticket_id = open_at_snapshot.ticket_id
        and replies.replied_at <= open_at_snapshot.snapshot_at
    group by all
),

with_assignee as (
    select
        open_at_snapshot.*,
        tickets.created_at,
        -- The assignee at that moment; only a ticket without any assignment event falls back to its current one.
        case
            when assignee_at_snapshot.ticket_id is not null then assignee_at_snapshot.assignee_key
            when tickets.ticket_id in (select ticket_id from {{ ref('int_ticket_assignments') }}) then null
            else tickets.assignee_key
        end as assignee_key,
        coalesce(last_reply_at_snapshot.last_reply_at, tickets.created_at) as last_agent_touch_at
    from open_at_snapshot
    inner join tickets using (ticket_id)
    left join assignee_at_snapshot using (snapshot_date, ticket_id)
    left join last_reply_at_snapshot using (snapshot_date, ticket_id)
),

final as (
    select
        with_assignee.snapshot_date,
        with_assignee.snapshot_at,
        with_assignee.ticket_id,
        with_assignee.status,
        with_assignee.assignee_key,
        agent_keys.agent_id,
        membership.team_id,
        with_assignee.last_agent_touch_at,
        with_assignee.status in ('new', 'open')
            and {{ seconds_between('with_assignee.last_agent_touch_at', 'with_assignee.snapshot_at') }}
                > {{ var('overdue_hours') }} * 3600 as is_overdue
    from with_assignee
    left join {{ ref('int_helpdesk_agent_keys') }} as agent_keys
        on agent_keys.agent_key = with_assignee.assignee_key
    {{ join_team_membership('agent_keys.agent_id', 'with_assignee.snapshot_at') }}
)

select * from final
