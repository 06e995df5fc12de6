-- One row per team: name (latest roster name), queues it owns, agents in it now.
-- Published as is from int_teams (the logic lives in the intermediate layer).
with teams as (
    select * from {{ ref('int_teams') }}
),

final as (
    select * from teams
)

select * from final
