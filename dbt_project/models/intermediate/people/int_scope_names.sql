-- The name people see beside each agent and team id: an agent's latest roster name, a team's name (int_teams).
-- Every people-facing mart reads its names here (macro scope_name), so a renamed agent shows one name everywhere.
with memberships as (
    select * from {{ ref('int_agent_team_history') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

agent_names as (
    select distinct on (agent_id) 'agent' as scope_type, agent_id as scope_id, agent_name as scope_name
    from memberships
    order by agent_id, valid_from desc
),

team_names as (
    select 'team' as scope_type, team_id as scope_id, team_name as scope_name
    from teams
),

final as (
    select * from agent_names
    union all
    select * from team_names
)

select * from final
