package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
)

// registerRoutes lists every route of the portal, grouped by section, each
// with the Panel permissions its Panel API calls require. The gate refuses
// a session without them (403) before any call is made.
func registerRoutes(e *echo.Echo, a *app) {
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.o.Metrics.handler())
	e.GET("/static/*", echo.WrapHandler(a.o.Assets))

	acc := &accountHandlers{app: a, api: a.o.Client}
	e.GET("/login", acc.loginForm)
	e.POST("/login", acc.login)
	e.POST("/logout", acc.logout)
	e.GET("/lang", acc.switchLanguage)

	dash := &dashboardHandlers{app: a, api: a.o.Client}
	e.GET("/", dash.show, a.require(auth.P("base", "get_dealer_info")))

	// Users. Every page reads the user (users: read); each action adds what
	// its Panel API call requires. user/create documents users: corrupt,
	// global, but the official console and the employee role create users
	// with users: create, so that is what the portal requires.
	usr := newUsersHandlers(a, a.o.Client)
	e.GET("/users", usr.list, a.require(usersPermRead))          // user/list
	e.GET("/users/export", usr.export, a.require(usersPermRead)) // user/list, page by page
	e.GET("/users/new", usr.newForm, a.require(usersPermCreate)) // timezone/list, dealer/get_info, tariff/list
	e.POST("/users/new", usr.create, a.require(usersPermCreate)) // user/create, then user/mfa/settings/update when ticked (users: update)
	e.GET("/users/import", usr.importForm, a.require(usersPermCreate))
	e.POST("/users/import", usr.importUsers, a.require(usersPermCreate)) // user/upload
	e.GET("/users/import/template.csv", usr.importTemplateCSV, a.require(usersPermCreate))
	e.GET("/users/import/template.xlsx", usr.importTemplateXLSX, a.require(usersPermCreate))
	e.GET("/users/:id", usr.show, a.require(usersPermRead)) // user/read; tracker/list and user/transaction/list by permission
	e.GET("/users/:id/edit", usr.editForm, a.require(usersPermRead, usersPermUpdate))
	e.POST("/users/:id/edit", usr.update, a.require(usersPermRead, usersPermUpdate)) // user/update
	e.GET("/users/:id/password", usr.passwordForm, a.require(usersPermRead, usersPermUpdate))
	e.POST("/users/:id/password", usr.changePassword, a.require(usersPermRead, usersPermUpdate)) // user/change_password
	e.GET("/users/:id/balance", usr.balanceForm, a.require(usersPermRead, usersPermUpdate, usersPermTxCreate))
	e.POST("/users/:id/balance", usr.changeBalance, a.require(usersPermRead, usersPermUpdate, usersPermTxCreate)) // user/transaction/change_balance
	e.GET("/users/:id/transactions", usr.transactions, a.require(usersPermRead, usersPermTxRead))                 // user/transaction/list
	e.POST("/users/:id/mfa", usr.updateMFA, a.require(usersPermRead, usersPermUpdate))                            // user/mfa/settings/update
	e.GET("/users/:id/delete", usr.deleteForm, a.require(usersPermRead, usersPermCorrupt))
	e.POST("/users/:id/delete", usr.deleteUser, a.require(usersPermRead, usersPermCorrupt)) // user/corrupt
	e.POST("/users/:id/session", usr.loginAs, a.require(usersPermRead, usersPermSessions))  // dealer/get_info, user/session/create

	// Trackers. Every page reads the tracker (trackers: read); each action
	// adds what its Panel API call requires.
	trk := newTrackerHandlers(a, a.o.Client)
	e.GET("/trackers", trk.list, a.require(permTrackersRead))
	// tracker/list page by page; tariff/list once (tariffs: read, else no
	// plan names); user/read per owner (users: read, else no owner login).
	tex := &trackerExportHandlers{app: a, api: a.o.Client}
	e.GET("/trackers/export", tex.export, a.require(permTrackersRead))
	e.GET("/trackers/user-picker", trk.userPicker, a.require(permUsersRead))          // user/list
	e.POST("/trackers/register", trk.register, a.require(needTrackerRegister...))     // dealer/get_info, user/session/create
	e.GET("/trackers/bulk/move", trk.bulkForm("move"), a.require(needTrackerMove...)) // tracker/move per tracker
	e.POST("/trackers/bulk/move", trk.bulkRun("move"), a.require(needTrackerMove...))
	e.GET("/trackers/bulk/clone", trk.bulkForm("clone"), a.require(needTrackerClone...)) // tracker/batch_clone
	e.POST("/trackers/bulk/clone", trk.bulkRun("clone"), a.require(needTrackerClone...))
	e.GET("/trackers/bulk/plan", trk.bulkForm("plan"), a.require(needTrackerPlan...)) // tracker/tariff/change per tracker
	e.POST("/trackers/bulk/plan", trk.bulkRun("plan"), a.require(needTrackerPlan...))
	e.GET("/trackers/bulk/delete-clones", trk.bulkForm("delete-clones"), a.require(needTrackerDelete...)) // tracker/batch_delete_clones
	e.POST("/trackers/bulk/delete-clones", trk.bulkRun("delete-clones"), a.require(needTrackerDelete...))
	// Bulk activation: the file Navixy support takes, checked and then
	// registered in each owner's account (trackers_activate.go).
	act := newActivationHandlers(a)
	e.GET("/trackers/activate", act.form, a.require(needBulkActivation...))
	e.GET("/trackers/activate/template.csv", act.templateCSV, a.require(needBulkActivation...))
	e.POST("/trackers/activate", act.check, a.require(needBulkActivation...))   // user/read per owner; user/session/create + user API tracker/list_models
	e.POST("/trackers/activate/run", act.run, a.require(needBulkActivation...)) // per chunk: user/session/create + user API plugin/list per owner; tracker/list + user API tracker/register per row; tracker/settings/update for a comment
	e.GET("/trackers/:id", trk.detail, a.require(permTrackersRead))             // tracker/read + tariff/list (tariffs: read), tariff/read for a plan not in the list
	// The tracker page's fragments, loaded once it is shown: the owner's
	// name and login, the tracker's clones or original (trackers_related.go).
	e.GET("/trackers/:id/owner", trk.owner, a.require(permTrackersRead, permUsersRead)) // user/read (tracker/read first without ?user_id=)
	e.GET("/trackers/:id/clones", trk.family, a.require(permTrackersRead))              // tracker/list by device ID (tracker/read when the tracker is not among them)
	e.GET("/trackers/:id/edit", trk.editForm, a.require(needTrackerUpdate...))
	e.POST("/trackers/:id/settings", trk.saveSettings, a.require(needTrackerUpdate...)) // tracker/settings/update
	e.POST("/trackers/:id/source", trk.saveSource, a.require(needTrackerUpdate...))     // tracker/source/update
	e.GET("/trackers/:id/move", trk.actionForm("move"), a.require(needTrackerMove...))
	e.POST("/trackers/:id/move", trk.move, a.require(needTrackerMove...)) // tracker/move: trackers create+delete
	e.GET("/trackers/:id/clone", trk.actionForm("clone"), a.require(needTrackerClone...))
	e.POST("/trackers/:id/clone", trk.clone, a.require(needTrackerClone...)) // tracker/clone: trackers create
	e.GET("/trackers/:id/plan", trk.actionForm("plan"), a.require(needTrackerPlan...))
	e.POST("/trackers/:id/plan", trk.changePlan, a.require(needTrackerPlan...)) // tracker/tariff/change
	e.GET("/trackers/:id/register-retry", trk.actionForm("retry"), a.require(needTrackerUpdate...))
	e.POST("/trackers/:id/register-retry", trk.retryRegistration, a.require(needTrackerUpdate...)) // tracker/register_retry
	e.GET("/trackers/:id/delete-clone", trk.actionForm("delete-clone"), a.require(needTrackerDelete...))
	e.POST("/trackers/:id/delete-clone", trk.deleteClone, a.require(needTrackerDelete...)) // tracker/delete_clone: trackers delete
	e.GET("/trackers/:id/corrupt", trk.actionForm("corrupt"), a.require(needTrackerCorrupt...))
	e.POST("/trackers/:id/corrupt", trk.corrupt, a.require(needTrackerCorrupt...))                       // tracker/corrupt: trackers corrupt
	e.POST("/trackers/:id/device-settings", trk.deviceSettings, a.require(needTrackerDeviceSettings...)) // user/session/create for the owner
	con := &consoleHandlers{app: a, api: a.o.Client}
	e.GET("/trackers/:id/console", con.page, a.require(needTrackerUpdate...))
	e.GET("/trackers/:id/console/stream", con.stream, a.require(needTrackerUpdate...)) // tracker/console/connect
	e.POST("/trackers/:id/console/send", con.send, a.require(needTrackerUpdate...))    // tracker/raw_command/send

	// Plans. Everyone who reads plans sees them and their defaults; tech
	// and viewer (tariffs: read only) get no edit controls and a 403.
	pln := newPlanHandlers(a, a.o.Client)
	e.GET("/plans", pln.list, a.require(permTariffsRead)) // tariff/list, tariff/defaults/read
	e.GET("/plans/new", pln.newForm, a.require(permTariffsRead, permTariffsCreate))
	e.POST("/plans/new", pln.create, a.require(permTariffsRead, permTariffsCreate))            // tariff/create
	e.GET("/plans/defaults", pln.defaults, a.require(permTariffsRead))                         // tariff/defaults/read, tariff/list
	e.POST("/plans/defaults", pln.saveDefaults, a.require(permTariffsRead, permTariffsUpdate)) // tariff/defaults/update
	e.GET("/plans/:id", pln.detail, a.require(permTariffsRead))                                // tariff/read; its trackers with trackers: read
	e.GET("/plans/:id/edit", pln.editForm, a.require(permTariffsRead, permTariffsUpdate))
	e.POST("/plans/:id/edit", pln.update, a.require(permTariffsRead, permTariffsUpdate)) // tariff/read, tariff/update

	// Activation codes (activation_code.md). create requires read and
	// create; the bulk edit requires update, which the official console
	// never checks. A plan field lists plans with tariffs: read, else takes
	// an ID.
	cod := newCodeHandlers(a, a.o.Client)
	e.GET("/codes", cod.list, a.require(permCodesRead))                           // dealer/activation_code/list
	e.GET("/codes/export.csv", cod.export, a.require(permCodesRead))              // dealer/activation_code/list, page by page
	e.GET("/codes/new", cod.newForm, a.require(permCodesRead, permCodesCreate))   // tariff/list with tariffs: read
	e.POST("/codes/new", cod.create, a.require(permCodesRead, permCodesCreate))   // dealer/activation_code/create (list before and after)
	e.GET("/codes/edit", cod.editForm, a.require(permCodesRead, permCodesUpdate)) // tariff/list with tariffs: read
	e.POST("/codes/edit", cod.update, a.require(permCodesRead, permCodesUpdate))  // dealer/activation_code/update

	// Package contents: bundles (tracker/bundle/*), equipment/list and
	// order/read, all tracker_bundles: read to see; assign, update and
	// order/assign need update, import needs create.
	bun := newBundleHandlers(a, a.o.Client)
	e.GET("/bundles", bun.list, a.require(permBundlesRead))                                                // tracker/bundle/list
	e.GET("/bundles/lookup", bun.lookup, a.require(permBundlesRead))                                       // redirect to the IMEI's page
	e.GET("/bundles/orders", bun.order, a.require(permBundlesRead))                                        // order/read
	e.POST("/bundles/orders/:id/attach", bun.attachToOrder, a.require(permBundlesRead, permBundlesUpdate)) // order/read, tracker/bundle/read + order/assign per IMEI
	e.GET("/bundles/import", bun.importForm, a.require(permBundlesRead, permBundlesCreate))                // equipment/list
	e.POST("/bundles/import/count", bun.importCount, a.require(permBundlesRead, permBundlesCreate))        // no upstream call
	e.POST("/bundles/import", bun.importBundles, a.require(permBundlesRead, permBundlesCreate))            // tracker/bundle/import
	e.GET("/bundles/:imei", bun.card, a.require(permBundlesRead))                                          // tracker/bundle/read; equipment/list with update
	e.POST("/bundles/:imei/iccid", bun.assignICCID, a.require(permBundlesRead, permBundlesUpdate))         // tracker/bundle/assign
	e.POST("/bundles/:imei/equipment", bun.changeEquipment, a.require(permBundlesRead, permBundlesUpdate)) // tracker/bundle/update
	e.POST("/bundles/:imei/order", bun.attachOrder, a.require(permBundlesRead, permBundlesUpdate))         // order/read, tracker/bundle/order/assign
	e.GET("/bundles/:imei/detach", bun.detachForm, a.require(permBundlesRead, permBundlesUpdate))
	e.POST("/bundles/:imei/detach", bun.detach, a.require(permBundlesRead, permBundlesUpdate)) // tracker/bundle/order/assign, order_id null

	// Settings. The page shows each group its session may read
	// (service_settings or notification_settings: read, as the official
	// console's menu); each group is its own form and POST, gated on the
	// update right of its calls. Service groups read the settings first:
	// service/update replaces them all.
	set := newSettingsHandlers(a, a.o.Client)
	e.GET("/settings", set.show, a.requireAny(permServiceRead, permNotifRead))                                         // service/read, notification/read, gateways/email/list, user/mfa/settings/default/read, user/menu/preset/list, by permission
	e.POST("/settings/branding", set.saveGroup(groupBranding), a.require(permServiceRead, permServiceUpdate))          // dealer/settings/service/read + update
	e.POST("/settings/service", set.saveGroup(groupService), a.require(permServiceRead, permServiceUpdate))            // dealer/settings/service/read + update
	e.POST("/settings/maps", set.saveGroup(groupMaps), a.require(permServiceRead, permServiceUpdate))                  // dealer/settings/service/read + update
	e.POST("/settings/user-defaults", set.saveGroup(groupUserDefaults), a.require(permServiceRead, permServiceUpdate)) // dealer/settings/service/read + update
	e.POST("/settings/info-center", set.saveGroup(groupInfoCenter), a.require(permServiceRead, permServiceUpdate))     // dealer/settings/service/read + update
	e.POST("/settings/notification", set.saveNotification, a.require(permNotifRead, permNotifUpdate))                  // dealer/settings/notification/read + update
	e.GET("/settings/images/:type", set.imagePreview, a.require(permServiceRead))                                      // dealer/settings/service/read, then the image itself
	e.POST("/settings/images/:type", set.uploadImage, a.require(permServiceRead, permServiceUpdate))                   // dealer/settings/image/upload
	e.POST("/settings/images/:type/delete", set.deleteImage, a.require(permServiceRead, permServiceUpdate))            // dealer/settings/image/delete
	e.POST("/settings/mfa", set.saveMFA, a.require(needSettingsMFA...))                                                // user/mfa/settings/default/update (+ user/mfa/settings/update, target all)

	// Menus: the end users' menu presets. preset.md names no permission;
	// reading needs users: read, and every change needMenusEdit (users:
	// update, as the calls change what users see, plus service_settings:
	// update, since the console keeps the menu editor in the settings).
	mnu := &menuHandlers{app: a, api: a.o.Client}
	e.GET("/settings/menus", mnu.list, a.require(permUsersRead))                     // user/menu/preset/list, user/menu/item/list
	e.GET("/settings/menus/new", mnu.newForm, a.require(needMenusEdit...))           // user/menu/item/list (+ preset/list to copy one)
	e.POST("/settings/menus/new", mnu.create, a.require(needMenusEdit...))           // user/menu/preset/create
	e.GET("/settings/menus/:id", mnu.show, a.require(permUsersRead))                 // user/menu/preset/list, user/menu/item/list
	e.GET("/settings/menus/:id/edit", mnu.editForm, a.require(needMenusEdit...))     // user/menu/preset/list, user/menu/item/list
	e.POST("/settings/menus/:id/edit", mnu.update, a.require(needMenusEdit...))      // user/menu/preset/update
	e.GET("/settings/menus/:id/delete", mnu.deleteForm, a.require(needMenusEdit...)) // user/menu/preset/list
	e.POST("/settings/menus/:id/delete", mnu.deletePreset, a.require(needMenusEdit...))
	e.POST("/settings/menus/:id/assign", mnu.assign, a.require(needMenusEdit...)) // user/menu/preset/assign (all users: user/list page by page)

	// Resellers (subpaas/*). The markdown names no permissions; the
	// official console gates reading on subpaas: read, creation on create,
	// editing and the password on update. Opening a reseller's panel
	// (full rights there) also needs subpaas: update (needResellerSession).
	rsl := &resellerHandlers{app: a, api: a.o.Client}
	e.GET("/resellers", rsl.list, a.require(permSubpaasRead)) // subpaas/list
	e.GET("/resellers/new", rsl.newForm, a.require(permSubpaasRead, permSubpaasCreate))
	e.POST("/resellers/new", rsl.create, a.require(permSubpaasRead, permSubpaasCreate))                  // subpaas/create
	e.POST("/resellers/return", rsl.returnHome, a.requireLogin)                                          // account/logout of the reseller's session
	e.GET("/resellers/:id", rsl.show, a.require(permSubpaasRead))                                        // subpaas/read
	e.GET("/resellers/:id/edit", rsl.editForm, a.require(permSubpaasRead, permSubpaasUpdate))            // subpaas/read
	e.POST("/resellers/:id/edit", rsl.update, a.require(permSubpaasRead, permSubpaasUpdate))             // subpaas/read, subpaas/update
	e.GET("/resellers/:id/password", rsl.passwordForm, a.require(permSubpaasRead, permSubpaasUpdate))    // subpaas/read
	e.POST("/resellers/:id/password", rsl.changePassword, a.require(permSubpaasRead, permSubpaasUpdate)) // subpaas/password/change
	e.POST("/resellers/:id/session", rsl.openPanel, a.require(needResellerSession...))                   // subpaas/read, subpaas/session/create, account/get_permissions, dealer/get_info

	// Account: the staff member's own password (the header's account menu).
	pwd := &passwordHandlers{app: a, api: a.o.Client}
	e.GET("/account/password", pwd.form, a.require(permPasswordUpdate))
	e.POST("/account/password", pwd.change, a.require(permPasswordUpdate)) // dealer/password/update

	// Reports. tracker/active/history/list documents trackers: read; the
	// official console gates the report on trackers: report. Both.
	rep := &reportHandlers{app: a, api: a.o.Client}
	e.GET("/reports/active", rep.active, a.require(permTrackersRead, permTrackersReport))
	e.GET("/reports/active.csv", rep.activeCSV, a.require(permTrackersRead, permTrackersReport))

	// Global search: any one of the searchable lists opens the page; each
	// group is shown only with its own read permission (user/list,
	// tracker/list, tariff/list, subpaas/list, in parallel).
	srch := &searchHandlers{app: a, api: a.o.Client}
	e.GET("/search", srch.search, a.requireAny(searchPerms...))
}
