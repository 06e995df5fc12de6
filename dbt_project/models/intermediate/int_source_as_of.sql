-- "As of" time of each source: the latest timestamp seen in its data (not the clock), so a rebuild from the
-- same files gives the same numbers.
with helpdesk as (
    select greatest(
        (select max(updated_at) from {{ ref('stg_zendesk__tickets') }}),
        (select max(created_at) from {{ ref('stg_zendesk__ticket_events') }})
    ) as as_of_at
),

final as (
    select 'helpdesk' as source_system, as_of_at from helpdesk
    union all
    select 'telephony', max(event_at) from {{ ref('stg_asterisk__queue_log') }}
    union all
    select 'surveys', max(responded_at) from {{ ref('stg_qualtrics__responses') }}
    union all
    select 'quality', max(reviewed_at) from {{ ref('stg_quality__review_criteria') }}
)

select * from final
