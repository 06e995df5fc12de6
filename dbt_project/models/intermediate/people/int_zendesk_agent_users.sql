-- Zendesk users whose comments are agent comments: roster zendesk_user_id, or role agent/admin in the users export.
-- agent_id is the roster agent (null for an agent/admin missing from the roster).
with roster_users as (
    select distinct zendesk_user_id as user_id, agent_id
    from {{ ref('int_agent_team_history') }}
    where zendesk_user_id is not null
),

staff_users as (
    select user_id
    from {{ ref('stg_zendesk__users') }}
    where role in ('agent', 'admin')
),

final as (
    select
        coalesce(roster_users.user_id, staff_users.user_id) as user_id,
        roster_users.agent_id
    from roster_users
    full outer join staff_users on roster_users.user_id = staff_users.user_id
    qualify row_number() over (partition by coalesce(roster_users.user_id, staff_users.user_id)
                               order by roster_users.agent_id) = 1
)

select * from final
