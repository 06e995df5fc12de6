-- "As of" time of each source: the latest timestamp seen in its data (not the clock), so a rebuild from the
-- same files gives the same numbers.
with source_times as (
    select 'helpdesk' as source_system, max(updated_at) as seen_at from {{ ref('stg_zendesk__tickets') }}
    union all
    select 'helpdesk', max(created_at) from {{ ref('stg_zendesk__ticket_events') }}
    union all
    select 'helpdesk', max(greatest(created_at, updated_at)) from {{ ref('stg_generic__tickets') }}
    union all
    select 'helpdesk', max(created_at) from {{ ref('stg_generic__ticket_events') }}
    union all
    select 'helpdesk', max(updated_at) from {{ ref('stg_freshdesk__tickets') }}
    union all
    select 'helpdesk', max(created_at) from {{ ref('stg_freshdesk__conversations') }}
    union all
    select 'helpdesk', max(updated_at) from {{ ref('stg_freshdesk__ticket_exports') }}
    union all
    select 'helpdesk', max(updated_at) from {{ ref('stg_intercom__conversations') }}
    union all
    select 'telephony', max(event_at) from {{ ref('stg_asterisk__queue_log') }}
    union all
    select 'telephony', max(greatest(entered_at, answered_at, ended_at)) from {{ ref('stg_generic__calls') }}
    union all
    select 'surveys', max(responded_at) from {{ ref('stg_qualtrics__responses') }}
    union all
    select 'surveys', max(responded_at) from {{ ref('stg_generic__survey_responses') }}
    union all
    select 'quality', max(reviewed_at) from {{ ref('stg_quality__review_criteria') }}
),

final as (
    select source_system, max(seen_at) as as_of_at
    from source_times
    group by source_system
    union all
    -- Cross-channel metrics (contact repeats, QA coverage) are as of the latest data of any source.
    select 'all', max(seen_at) from source_times
)

select * from final
