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
	e.GET("/trackers/:id", trk.detail, a.require(permTrackersRead))
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

	// Plans (read side).
	pln := &planHandlers{app: a, api: a.o.Client}
	e.GET("/plans", pln.list, a.require(permTariffsRead))       // tariff/list, tariff/defaults/read
	e.GET("/plans/:id", pln.detail, a.require(permTariffsRead)) // tariff/read; its trackers with trackers: read

	// Reports. tracker/active/history/list documents trackers: read; the
	// official console gates the report on trackers: report. Both.
	rep := &reportHandlers{app: a, api: a.o.Client}
	e.GET("/reports/active", rep.active, a.require(permTrackersRead, permTrackersReport))
	e.GET("/reports/active.csv", rep.activeCSV, a.require(permTrackersRead, permTrackersReport))
}
