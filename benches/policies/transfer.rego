# OAR 860-086-0030 (Oregon), reduced to six rules: may the electric company
# transfer one element of a customer's information to the Administrator?
#
# Input: the Juris request shape,
#   {"jurisdiction": "OR", "actor": "electric_company", "action": "transfer",
#    "recipient": "administrator", "data": "<element>",
#    "customer": {"usage_amw": <number>, "opted_in": <bool>,
#                 "password_protected": <bool>,
#                 "requested_no_third_party_sharing": <bool>,
#                 "requested_no_transfer": <bool>, "written_consent": <bool>}}
#
# Output: data.oar_860_086_0030.decision =
#   {"decision": "required" | "prohibited", "cite": "OAR 860-086-0030(...)"}
#
# The rule's six steps are applied in order with an `else` chain: the first
# branch whose body holds decides, exactly as the statute's "otherwise".
#
# The branches look the citation up in the head (`never_transferred[input.data]`)
# instead of binding it in the body (`cite := never_transferred[input.data]`):
# regorus 0.14.1's RVM makes the whole rule undefined when a body-local
# assignment in the first branch of an else chain is undefined, instead of
# falling through to the next branch (its interpreter handles both forms).
package oar_860_086_0030

import rego.v1

# (3)(a)-(g): elements that may never be transferred to the Administrator.
never_transferred := {
	"ssn": "OAR 860-086-0030(3)(a)",
	"billing_payment_history": "OAR 860-086-0030(3)(b)",
	"credit_information": "OAR 860-086-0030(3)(c)",
	"tax_id": "OAR 860-086-0030(3)(d)",
	"drivers_license": "OAR 860-086-0030(3)(e)",
	"life_support_information": "OAR 860-086-0030(3)(f)",
	"medical_information": "OAR 860-086-0030(3)(g)",
}

# (2)(a)-(m): elements the electric company must transfer.
required_elements := {
	"customer_name": "OAR 860-086-0030(2)(a)",
	"service_address": "OAR 860-086-0030(2)(b)",
	"mailing_address": "OAR 860-086-0030(2)(c)",
	"in_service_date": "OAR 860-086-0030(2)(d)",
	"building_type": "OAR 860-086-0030(2)(e)",
	"business_type": "OAR 860-086-0030(2)(f)",
	"usage_history": "OAR 860-086-0030(2)(g)",
	"meter_number": "OAR 860-086-0030(2)(h)",
	"rate_schedule": "OAR 860-086-0030(2)(i)",
	"self_direct_credits": "OAR 860-086-0030(2)(j)",
	"efficiency_participation": "OAR 860-086-0030(2)(k)",
	"space_heat_type": "OAR 860-086-0030(2)(k)",
	"usage_updates": "OAR 860-086-0030(2)(l)",
	"contracted_kwh": "OAR 860-086-0030(2)(m)",
}

# (11)(a): what is still transferred for an over 1 aMW customer who did not
# opt in.
over_1_amw_minimum := {"customer_name", "service_address", "self_direct_credits"}

# (9), (11): usage of 1 aMW or greater, and no opt-in.
over_1_amw_not_opted_in if {
	input.customer.usage_amw >= 1
	not input.customer.opted_in
}

decision := {"decision": "prohibited", "cite": never_transferred[input.data]} if {
	never_transferred[input.data]
} else := {"decision": "prohibited", "cite": "OAR 860-086-0030(3)(h)"} if {
	input.customer.password_protected
} else := {"decision": "prohibited", "cite": "OAR 860-086-0030(3)(i)"} if {
	input.customer.requested_no_third_party_sharing
} else := {"decision": "prohibited", "cite": "OAR 860-086-0030(13)"} if {
	input.customer.requested_no_transfer
	not input.customer.written_consent
} else := {"decision": "required", "cite": "OAR 860-086-0030(11)(a)"} if {
	over_1_amw_not_opted_in
	over_1_amw_minimum[input.data]
} else := {"decision": "prohibited", "cite": "OAR 860-086-0030(11)(a)"} if {
	over_1_amw_not_opted_in
} else := {"decision": "required", "cite": required_elements[input.data]} if {
	required_elements[input.data]
}
