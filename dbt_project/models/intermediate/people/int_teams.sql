-- One row per team: name (latest roster name), queues it owns, agents in it now. The published dim_team is this
-- model.
with memberships as (
    select * from {{ ref('int_agent_team_history') }}
),

team_names as (
    -- Roster teams, and teams that only own a queue (their name is their id).
    select distinct on (team_id) team_id, team_name
    from (
        select team_id, team_name, valid_from from memberships
        union all
        select team_id, team_id, null from {{ ref('stg_reference__queues') }} where team_id is not null
    )
    order by team_id, valid_from desc nulls last
),

queues as (
    select team_id, list(queue order by queue) as queues
    from {{ ref('stg_reference__queues') }}
    group by team_id
),

current_agents as (
    select team_id, count(distinct agent_id) as current_agent_count
    from memberships
    where valid_to is null
    group by team_id
),

final as (
    select
        team_names.team_id,
        team_names.team_name,
        coalesce(queues.queues, []::varchar[]) as queues,
        coalesce(current_agents.current_agent_count, 0) as current_agent_count
    from team_names
    left join queues using (team_id)
    left join current_agents using (team_id)
)

select * from final
