-- Roster memberships as instants: a date boundary is local midnight in the reporting time zone.
with roster as (
    select * from {{ ref('stg_reference__roster') }}
    where agent_id is not null
),

final as (
    select
        agent_id,
        agent_name,
        email,
        team_id,
        team_name,
        valid_from,
        valid_to,
        coalesce({{ local_midnight('valid_from') }}, '-infinity'::timestamptz) as valid_from_at,
        {{ local_midnight('valid_to') }} as valid_to_at,
        valid_to is null as is_current,
        zendesk_user_id,
        asterisk_agent
    from roster
)

select * from final
