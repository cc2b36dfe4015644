package panelclient

// Documented example responses, copied from panel-api-docs (markdown) unless
// the name says OpenAPI.

const exAuth = `{
 "hash": "fa7bf873fab9333144e171372a321b06",
 "success": true,
 "permissions": {
  "base": ["get_dealer_info"],
  "service_settings": ["read", "update"],
  "notification_settings": ["read", "update"],
  "trackers": ["corrupt", "create", "delete", "global", "read", "report", "update"],
  "users": ["corrupt", "create", "read", "update"],
  "user_sessions": ["create"],
  "tariffs": ["create", "read", "update"],
  "transactions": ["create", "read"],
  "activation_code": ["read", "update"],
  "password": ["update"],
  "email_gateways": ["create", "delete", "read", "send_email", "update"],
  "subpaas": ["create", "delete", "read", "update"]
 }
}`

const exPermissions = `{
  "success": true,
  "permissions": {
    "base": ["get_dealer_info"],
    "trackers": ["create", "read", "update", "delete"],
    "users": ["create", "read", "update", "delete"],
    "tariffs": ["create", "read", "update"]
  }
}`

const exOK = `{"success": true}`

const exDealer = `{
  "success": true,
  "id": 9000,
  "seller_id": 3,
  "parent_dealer_id": 5001,
  "contract_type": "PAAS",
  "tariff_id": 5,
  "tariff": {
    "id": 5,
    "name": "PaaS Tariff",
    "type": "monthly",
    "currency": "RUB",
    "license_price": null,
    "min_license_pay": null,
    "vat": false,
    "trial": false,
    "premium_gis": true,
    "service_prices": {
      "incoming_sms": 2.0,
      "outgoing_sms": 0.95,
      "service_sms": 0.95,
      "phone_call": 15,
      "traffic": 1.5
    },
    "store_period": "P3Y"
  },
  "demo_tariff": false,
  "tracker_tariff_end_date": "2015-12-31",
  "store_period": "P6M",
  "demo_ends": null,
  "title": "Navixy Demo",
  "block_status": "NOT_BLOCKED",
  "legal_name": "Company",
  "active_amount": 99,
  "active_amount_own": 80,
  "active_amount_subpaas": 19,
  "active_limit": 100,
  "locale": "en_US",
  "domain": "demo.navixy.com",
  "favicon": "paas/5001/custom.ico",
  "logo": "paas/5001/logo.png",
  "enable_trackers": true,
  "enable_cameras": false,
  "paas_activation_date": "2015-03-01",
  "license_balance": 0.0,
  "seller_currency": "USD",
  "features": ["branding_web", "branding_mobile", "navixy_label", "tracking", "reports", "fleet", "field_service", "premium_gis"],
  "default_user_time_zone": "Europe/London"
}`

const exTimezones = `{
  "success": true,
  "list": [
    {
      "zone_id": "America/Tijuana",
      "description": "Tijuana",
      "base_offset": -8.0,
      "dst_offset": 1,
      "country_code": "MX",
      "alt_ids": ["America/Ensenada", "America/Santa_Isabel"]
    }
  ]
}`

const exUserObject = `{
  "dealer_id": 5001,
  "activated": true,
  "verified": true,
  "login": "user@test.com",
  "first_name": "John",
  "middle_name": "William",
  "last_name": "Smith",
  "legal_name": "ABC Inc.",
  "legal_type": "legal_entity",
  "phone": "3231234567",
  "post_country": "USA",
  "post_index": "90001",
  "post_region": "California",
  "post_city": "Los Angeles",
  "post_street_address": "123 Main St",
  "registered_country": "USA",
  "registered_index": "90001",
  "registered_region": "California",
  "registered_city": "Los Angeles",
  "registered_street_address": "123 Main St",
  "state_reg_num": "12-3456789",
  "tin": "1131145180",
  "okpo_code": "93281776",
  "iec": "773101001",
  "id": 38935,
  "balance": 10.01,
  "bonus": 0,
  "creation_date": "2021-03-01 13:00:00",
  "trackers_count": 10,
  "comment": "about user"
}`

const exUserList = `{"success": true, "list": [` + exUserObject + `], "count": 1}`

const exUserRead = `{
  "success": true,
  "value": ` + exUserObject + `,
  "discount": {
    "value": 5.5,
    "min_trackers": 10,
    "end_date": "2021-03-01",
    "strategy": "sum_with_progressive"
  },
  "dealer_mfa_settings": {"type": "disallowed"},
  "default_tariff_id": 123
}`

// exUserReadOpenAPI is user/read in the OpenAPI shape: discount as
// {percent, end_date, device_limit}, plus block_parameters.
const exUserReadOpenAPI = `{
  "success": true,
  "value": {"id": 371356, "dealer_id": 28152, "login": "user@example.com", "activated": true,
            "verified": true, "phone_verified": true, "legal_type": "individual", "first_name": "Demo",
            "middle_name": "", "last_name": "User", "balance": 0, "bonus": 0, "trackers_count": 7,
            "menu_preset_id": 346, "mfa_allowed": false, "creation_date": "2024-11-25 15:27:31"},
  "discount": {"percent": 7.5, "end_date": null, "device_limit": 3},
  "default_tariff_id": null,
  "block_parameters": {"block_type": "NOT_BLOCKED"},
  "dealer_mfa_settings": null
}`

const exCreated = `{"success": true, "id": 15534}`

const exSessionCreate = `{"success": true, "hash": "a2caa32267f028bd41b982980467132c"}`

const exTransactions = `{
  "success": true,
  "list": [
    {
      "description": "Recharge bonus balance during tracker registration",
      "type": "bonus_charge",
      "subtype": "register",
      "timestamp": "2021-01-28 08:16:40",
      "user_id": 12203,
      "dealer_id": 5001,
      "tracker_id": 303126,
      "amount": -10.0000,
      "new_balance": 800.0000,
      "old_balance": 810.0000,
      "bonus_amount": 10.0000,
      "new_bonus": 10.0000,
      "old_bonus": 0.0000
    }
  ]
}`

// exTransactionsOpenAPI is user/transaction/list in the OpenAPI shape.
const exTransactionsOpenAPI = `{"success": true, "list": [
  {"id": 77, "user_id": 12203, "amount": 2.05, "type": "balance", "text": "additional payment",
   "timestamp": "2021-02-03 03:04:00"}]}`

const exUpload = `{"success": true, "total": 1, "errors": 0}`

const exMFADefault = `{"success": true, "value": {"type": "disallowed"}}`

const exTrackerObject = `{
  "id": 111231,
  "avatar_file_name": "avatar",
  "clone": true,
  "comment": "Need to change SIM till next month",
  "creation_date": "2020-02-02",
  "group_id": 0,
  "dealer_id": 20410,
  "deleted": false,
  "label": "Truck",
  "user_id": 183654,
  "model_name": "Teltonika FMB120",
  "last_connection": "2020-02-02 12:44",
  "source": {
    "id": 456751,
    "device_id": "8624369656654",
    "model": "telfmb120",
    "blocked": false,
    "tariff_id": 13457,
    "creation_date": "2020-02-02",
    "tariff_end_date": "2021-02-02",
    "connection_status": "idle",
    "phone": "79995693344",
    "corrupted": true
  }
}`

const exTrackerList = `{"success": true, "list": [` + exTrackerObject + `], "count": 42}`

const exTrackerRead = `{"success": true, "value": ` + exTrackerObject + `}`

const exClone = `{"success": true, "id": 3947}`

const exBatchClone = `{"ignored_trackers": [99330], "list": [587469, 587470], "success": true}`

// exBatchCloneOpenAPI is tracker/batch_clone in the OpenAPI shape: list of
// objects.
const exBatchCloneOpenAPI = `{"success": true, "list": [{"id": 587469, "tracker_id": 134537}, {"clone_id": 587470}]}`

const exBatchDelete = `{
  "success": true,
  "deleted_count": 2,
  "not_deleted_count": 3,
  "not_deleted_trackers": [
    {"id": 2, "error": "Not a clone"},
    {"id": 3, "error": "Entity not found"},
    {"id": 4, "error": "Already deleted"}
  ]
}`

// exMoveOpenAPI is tracker/move per the OpenAPI file (the markdown shows
// exOK).
const exMoveOpenAPI = `{"success": true, "id": 1245999}`

const exConsole = `{"success": true, "key": "6ad7490d4ec7f600ef10d4db41584980cd3ac230", "timestamp": 1399957326}`

const exActiveHistory = `{
  "success": true,
  "list": [
    {
      "month": "2021-02",
      "amount": 1,
      "trackers": [{"tracker_id": 14, "user_id": 3, "label": "test", "device_id": "123321"}]
    }
  ]
}`

const exPlanObject = `{
  "id": 12163,
  "name": "Premium",
  "group_id": 3,
  "active": true,
  "type": "monthly",
  "price": 12.55,
  "early_change_price": 23.0,
  "device_limit": 2000,
  "has_reports": true,
  "store_period": "1y",
  "device_type": "tracker",
  "proportional_charge": false,
  "service_prices": {
    "incoming_sms": 0.3,
    "outgoing_sms": 0.3,
    "service_sms": 0.2,
    "phone_call": 0.6,
    "traffic": 0.09
  }
}`

const exTariffList = `{
  "success": true,
  "list": [` + exPlanObject + `],
  "wholesale_service_prices": {
    "incoming_sms": 0.27,
    "outgoing_sms": 0.27,
    "service_sms": 0.17,
    "phone_call": 0.55,
    "traffic": 0.05
  },
  "count": 42
}`

const exTariffRead = `{"success": true, "value": ` + exPlanObject + `}`

const exTariffCreate = `{"success": true, "id": 123568}`

const exTariffDefaults = `{
  "success": true,
  "tracker": {"tariff_id": 1234, "activation_bonus": 1.1, "free_days": 14, "free_days_device_limit": 3},
  "camera": {"tariff_id": 1289, "activation_bonus": 0.5, "free_days": 7, "free_days_device_limit": 3}
}`

// Documented failures.

const exErr7Command = `{
  "success": false,
  "status": {"code": 7, "description": "Invalid parameters"},
  "errors": [{"parameter": "command", "error": "Non-hex string"}]
}`

const exErr4 = `{"success": false, "status": {"code": 4, "description": "User not found or session ended"}}`

const exErr13 = `{"success": false, "status": {"code": 13, "description": "Operation not permitted"}}`

const exErr201 = `{"success": false, "status": {"code": 201, "description": "Not found in the database"}}`

const exErrUpload7 = `{
  "errors": [
    {"error": "required column not found", "parameter": "users_import.password"},
    {"error": "required column not found", "parameter": "users_import.email"}
  ],
  "row_number": 1,
  "status": {"code": 7, "description": "Invalid parameters"},
  "success": false
}`

const exErrUpload206 = `{"row_number": 2, "status": {"code": 206, "description": "Login already in use"}, "success": false}`

const exErr253 = `{"success": false, "status": {"code": 253, "description": "Device has clones"}, "list": [234651]}`

const exErr203Rules = `{"success": false, "status": {"code": 203, "description": "Delete entity associated with"}, "rules": [10]}`

const exErr247Batch = `{"status": {"code": 247, "description": "Entity already exists"}, "list": [10191656, 10191657], "success": false}`
