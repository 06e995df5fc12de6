-- The roster agent behind each helpdesk agent key: `zendesk:<user id>` through the roster's zendesk_user_id,
-- `freshdesk:<agent id>` and `intercom:<admin id>` through freshdesk_agent_id and intercom_admin_id, `agent:<agent_id>`
-- for the generic CSV's roster ids. Keys of agents missing from the roster have no row.
with zendesk_agents as (
    select 'zendesk:' || user_id as agent_key, agent_id
    from {{ ref('int_zendesk_agent_users') }}
    where agent_id is not null
),

roster_agents as (
    select distinct 'agent:' || agent_id as agent_key, agent_id
    from {{ ref('int_agent_team_history') }}
),

freshdesk_agents as (
    select distinct 'freshdesk:' || freshdesk_agent_id as agent_key, agent_id
    from {{ ref('stg_reference__roster') }}
    where agent_id is not null and freshdesk_agent_id is not null
),

intercom_agents as (
    select distinct 'intercom:' || intercom_admin_id as agent_key, agent_id
    from {{ ref('stg_reference__roster') }}
    where agent_id is not null and intercom_admin_id is not null
),

final as (
    select * from zendesk_agents
    union all
    select * from roster_agents
    union all
    select * from freshdesk_agents
    union all
    select * from intercom_agents
)

select * from final
