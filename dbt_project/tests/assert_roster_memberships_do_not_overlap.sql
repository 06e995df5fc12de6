-- An agent is in one team at a time: two roster rows of the same agent must not overlap in [valid_from, valid_to).
select
    earlier.agent_id,
    earlier.team_id as earlier_team_id,
    earlier.valid_from as earlier_valid_from,
    earlier.valid_to as earlier_valid_to,
    later.team_id as later_team_id,
    later.valid_from as later_valid_from
from {{ ref('int_agent_team_history') }} as earlier
inner join {{ ref('int_agent_team_history') }} as later
    on earlier.agent_id = later.agent_id
    and later.valid_from_at >= earlier.valid_from_at
    and (earlier.agent_name, earlier.team_id, earlier.valid_from)
        is distinct from (later.agent_name, later.team_id, later.valid_from)
    and (earlier.valid_to_at is null or later.valid_from_at < earlier.valid_to_at)
