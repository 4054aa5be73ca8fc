# The 17 red flags of the bundled rules.yaml, by hand, as a shell user would write them in jq.
#
#   jq -c -f bench/redflags.jq clients.jsonl
#
# Prints {"client", "red_flags": [{"id", "severity"}]} per client, the flags in rules.yaml
# order. It follows clientcheck's logic, written for speed: a missing or null answer is
# unknown, so a condition that needs it is not true (plain jq would say null < 24, hence the
# `// -1` and `!= null`); the first true level of a rule decides its severity, once every level
# before it is known to be false (hence the `== false` / known-and-different tests); an answer to a
# question that does not apply (its `when` is false) is dropped first (the `as $x` lines).
# bench/run.py checks that these flags agree with `clientcheck check --format jsonl` before it
# times anything.

(if .worked_before == false then null else .late_payments end) as $late
| (if .budget_stated == false then null else .budget_amount end) as $budget
| (if .budget_from_investor == false then null else .own_funds_for_concept end) as $own
| (.asks // []) as $asks
| (if .asks != null and ($asks | index(["discount"])) == null then null else .discount_pct end) as $disc
| (if .pay_after_delivery == false then null else .payment_delay_days end) as $delay
| (if .pay_after_delivery == false then null else .revenue_share_pct end) as $share
| {
    client: .client,
    red_flags: [
      ( if .worked_before == true and ($late // -1) >= 3 then {id: "late-payer", severity: "decline"}
        elif .worked_before == true and ($late // -1) >= 2 then {id: "late-payer", severity: "caution"}
        elif .worked_before == true and ($late // -1) >= 1 then {id: "late-payer", severity: "note"}
        else empty end ),
      ( if .rude == true then {id: "rude", severity: "decline"} else empty end ),
      ( if .follows_advice == "insists" then {id: "wont-listen", severity: "caution"} else empty end ),
      ( if .budget_stated == true and $budget != null and .min_price != null
           and $budget < .min_price then {id: "cannot-afford", severity: "decline"} else empty end ),
      ( if .petty_complaints == true then {id: "petty-complainer", severity: "caution"} else empty end ),
      ( if ($asks | index(["pay_if_liked"])) != null or (.contract == false and .advance == "none") then {id: "pay-if-i-like", severity: "high"}
        elif (.asks != null and ($asks | index(["pay_if_liked"])) == null)
             and (.contract == true or (.advance != null and .advance != "none"))
             and ($asks | index(["free_sample"])) != null then
          ( if .business_stage == "new" then {id: "pay-if-i-like", severity: "low"}
            elif .business_stage != null then {id: "pay-if-i-like", severity: "high"}
            else empty end )
        else empty end ),
      ( if (.hours_to_deadline != null and .hours_to_deadline < 24) or .everything_urgent == true then {id: "rush-deadline", severity: "high"} else empty end ),
      ( if .budget_from_investor == true and $own == true then {id: "investor-pending", severity: "caution"}
        elif .budget_from_investor == true and $own == false then {id: "investor-pending", severity: "decline"}
        else empty end ),
      ( if .business_stage == "new" and .written_brief == false and .has_kpis == false and .budget_stated == false
          then {id: "all-talk", severity: "caution"}
        elif .written_brief == false and .has_kpis == false and .budget_stated == false
             and .business_stage != null then {id: "all-talk", severity: "decline"}
        elif ((.unpaid_meetings // -1) >= 2 or (.written_brief == false and .has_kpis == false))
             and (.written_brief == true or .has_kpis == true or .budget_stated == true) then
          ( if .business_stage == "new" then {id: "all-talk", severity: "low"}
            elif .business_stage != null then {id: "all-talk", severity: "caution"}
            else empty end )
        else empty end ),
      ( if .profession_view == "dismissive" then {id: "devalues-expertise", severity: "caution"} else empty end ),
      ( if .in_segment == false then {id: "off-target", severity: "decline"} else empty end ),
      ( if .needs_missing_features == true and .willing_to_wait != null then {id: "feature-gap", severity: "decline"}
        else empty end ),
      ( if ($asks | index(["free_work"])) != null or (($asks | index(["discount"])) != null and ($disc // -1) >= 30)
          then {id: "freeloader", severity: "high"} else empty end ),
      ( if .pay_after_delivery == true and .roadmap_change == true then {id: "pay-later", severity: "decline"}
        elif .pay_after_delivery != true or .roadmap_change != false then empty
        elif ($share // -1) >= 30 and ($delay // -1) >= 30 then {id: "pay-later", severity: "decline"}
        elif (($share != null and $share < 30) or ($delay != null and $delay < 30)) | not then empty
        elif $delay != null and .payment_term_days != null and $delay <= .payment_term_days
          then {id: "pay-later", severity: "note"}
        elif $delay != null and .payment_term_days != null then {id: "pay-later", severity: "high"}
        else empty end ),
      ( if .self_estimates == true then {id: "self-estimator", severity: "caution"} else empty end ),
      ( if .expected_cost != null and .expected_revenue != null and .expected_cost > .expected_revenue
          then {id: "unprofitable", severity: "high"} else empty end ),
      ( if .business_stage == "new" and .brief_clear == false then {id: "vague-brief", severity: "note"}
        elif .brief_clear == false and .business_stage != null then {id: "vague-brief", severity: "low"}
        else empty end )
    ]
  }
