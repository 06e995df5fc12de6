-- "As of" time of each source: the latest timestamp seen in its data (not the clock), so a rebuild from the
-- same files gives the same numbers. And the first timestamp of its data, before which a period is a leading
-- partial one (it would otherwise show as a dip).
with source_times as (
    select 'helpdesk' as source_system, min(created_at) as first_seen_at, max(updated_at) as seen_at
    from {{ ref('stg_zendesk__tickets') }}
    union all
    select 'helpdesk', min(created_at), max(created_at) from {{ ref('stg_zendesk__ticket_events') }}
    union all
    select 'helpdesk', min(least(created_at, updated_at)), max(greatest(created_at, updated_at))
    from {{ ref('stg_generic__tickets') }}
    union all
    select 'helpdesk', min(created_at), max(created_at) from {{ ref('stg_generic__ticket_events') }}
    union all
    select 'helpdesk', min(created_at), max(updated_at) from {{ ref('stg_freshdesk__tickets') }}
    union all
    select 'helpdesk', min(created_at), max(created_at) from {{ ref('stg_freshdesk__conversations') }}
    union all
    select 'helpdesk', min(created_at), max(updated_at) from {{ ref('stg_freshdesk__ticket_exports') }}
    union all
    select 'helpdesk', min(created_at), max(updated_at) from {{ ref('stg_intercom__conversations') }}
    union all
    select 'telephony', min(event_at), max(event_at) from {{ ref('stg_asterisk__queue_log') }}
    union all
    select 'telephony', min(entered_at), max(greatest(entered_at, answered_at, ended_at))
    from {{ ref('stg_generic__calls') }}
    union all
    select 'surveys', min(responded_at), max(responded_at) from {{ ref('stg_qualtrics__responses') }}
    union all
    select 'surveys', min(responded_at), max(responded_at) from {{ ref('stg_generic__survey_responses') }}
    union all
    select 'surveys', min(responded_at), max(responded_at) from {{ ref('stg_surveymonkey__responses') }}
    union all
    select 'quality', min(reviewed_at), max(reviewed_at) from {{ ref('stg_quality__review_criteria') }}
),

final as (
    select source_system, min(first_seen_at) as first_data_at, max(seen_at) as as_of_at
    from source_times
    group by source_system
    union all
    -- Cross-channel metrics (contact repeats, QA coverage) are as of the latest data of any source, and start
    -- with the first data of any source.
    select 'all', min(first_seen_at), max(seen_at) from source_times
)

select * from final
